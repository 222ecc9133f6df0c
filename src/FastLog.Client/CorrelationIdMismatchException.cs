namespace FastLog.Client;

/// <summary>
/// A response that answers another request than the one next in line. Kafka answers a
/// connection's requests in order, so the two sides disagree about what was sent; the connection
/// is good only for disposing.
/// </summary>
public sealed class CorrelationIdMismatchException(int expected, int answered)
    : IOException($"response to correlation id {answered} where {expected} was next")
{
    /// <summary>The correlation id of the request next in line.</summary>
    public int Expected { get; } = expected;

    /// <summary>The correlation id the response carries.</summary>
    public int Answered { get; } = answered;
}

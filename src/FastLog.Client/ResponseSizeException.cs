namespace FastLog.Client;

/// <summary>
/// A response's size prefix that no Kafka response has: less than its correlation id, or above
/// <see cref="KafkaClientOptions.MaxResponseBytes"/>. The peer is most likely not a Kafka broker;
/// the connection is out of step and good only for disposing.
/// </summary>
public sealed class ResponseSizeException(int size, int maxBytes)
    : IOException($"response frame of {size} bytes (at most {maxBytes}): not a Kafka response")
{
    /// <summary>The size prefix as read.</summary>
    public int Size { get; } = size;
}

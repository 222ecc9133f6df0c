namespace FastLog.Protocol;

/// <summary>
/// The one exception the codec throws for malformed or unsupported input: truncated data,
/// negative or oversized lengths, over-long varints, versions outside <see cref="SupportedApis"/>.
/// The broker catches this type alone and closes the connection; anything else escaping the
/// decoder is a bug (the fuzz tests assert exactly that).
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException()
    {
    }

    public ProtocolException(string message)
        : base(message)
    {
    }

    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static ProtocolException Truncated(int needed, int remaining) =>
        new($"Truncated input: needed {needed} byte(s), {remaining} remaining.");
}

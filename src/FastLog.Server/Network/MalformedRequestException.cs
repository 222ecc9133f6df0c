namespace FastLog.Server.Network;

/// <summary>A request the broker cannot parse or will not serve; the connection is closed (Kafka does the same).</summary>
internal sealed class MalformedRequestException(string message, Exception? inner = null) : Exception(message, inner);

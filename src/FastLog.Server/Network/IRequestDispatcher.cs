namespace FastLog.Server.Network;

/// <summary>Turns one request frame into its response; implemented by the broker's API router.</summary>
internal interface IRequestDispatcher
{
    /// <summary>
    /// Handles the request in <paramref name="frame"/> (the bytes after the 4-byte size prefix).
    /// Runs on the connection's shard. Returns null when the request gets no response (Produce with
    /// acks=0). Throws <see cref="MalformedRequestException"/> for input that must close the connection.
    /// </summary>
    ValueTask<OutgoingResponse?> DispatchAsync(ConnectionContext connection, ReadOnlyMemory<byte> frame);
}

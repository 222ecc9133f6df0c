namespace FastLog.Protocol;

/// <summary>
/// One piece of an encoded frame, in send order: either bytes the codec encoded
/// (<see cref="Encoded"/>) or an external records payload (<see cref="External"/>, non-null)
/// whose bytes the broker supplies itself (sendfile of a file range, a cached chunk).
/// See <see cref="KafkaWriter.GetSegments"/>.
/// </summary>
public readonly struct ResponseSegment
{
    private ResponseSegment(ReadOnlyMemory<byte> encoded, IRecordsPayload? external)
    {
        Encoded = encoded;
        External = external;
    }

    public ReadOnlyMemory<byte> Encoded { get; }

    public IRecordsPayload? External { get; }

    public bool IsExternal => External is not null;

    public int Length => External?.Length ?? Encoded.Length;

    public static ResponseSegment FromEncoded(ReadOnlyMemory<byte> encoded) => new(encoded, null);

    public static ResponseSegment FromExternal(IRecordsPayload payload) => new(default, payload);
}

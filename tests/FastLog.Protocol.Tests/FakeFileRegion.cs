namespace FastLog.Protocol.Tests;

/// <summary>Stands for a file range the broker would sendfile: only its length is known to the codec.</summary>
internal sealed class FakeFileRegion(int length) : IRecordsPayload
{
    public int Length { get; } = length;

    /// <summary>The bytes a real sender would put on the wire (deterministic from the length).</summary>
    public byte[] Content() => Enumerable.Range(0, Length).Select(i => (byte)(i * 7 + Length)).ToArray();
}

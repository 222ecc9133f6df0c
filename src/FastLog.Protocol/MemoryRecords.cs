namespace FastLog.Protocol;

/// <summary>
/// RECORDS bytes held in memory. <see cref="KafkaWriter"/> copies these inline rather than
/// splicing them (use another <see cref="IRecordsPayload"/> type to avoid the copy), and the
/// decoder hands records it reads back in this form.
/// </summary>
public sealed class MemoryRecords(ReadOnlyMemory<byte> bytes) : IRecordsPayload
{
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    public int Length => Bytes.Length;
}

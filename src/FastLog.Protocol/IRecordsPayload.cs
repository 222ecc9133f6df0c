namespace FastLog.Protocol;

/// <summary>
/// RECORDS bytes (RecordBatch v2, opaque to the codec) that a response refers to instead of
/// holding: a range of a segment file to send with sendfile, a chunk of the broker's batch cache,
/// or a composite of several. The codec only needs <see cref="Length"/> to write the length
/// prefix and the frame size; <see cref="KafkaWriter"/> leaves a splice point where the bytes go
/// and the broker's sender, which knows the concrete type, sends them in place
/// (see <see cref="ResponseSegment"/>). The length must not change once written.
/// </summary>
public interface IRecordsPayload
{
    int Length { get; }
}

using Confluent.Kafka;

namespace FastLog.LoadTests.Scenarios;

/// <summary>Reads only the send times and the length of a record's value (see <see cref="RecordStamp"/>).</summary>
internal sealed class RecordStampDeserializer : IDeserializer<RecordStamp>
{
    public RecordStamp Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        isNull || data.Length < RecordStamp.Size ? new RecordStamp(0, 0, data.Length) : RecordStamp.Read(data);
}

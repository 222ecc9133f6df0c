namespace FastLog.Protocol;

/// <summary>
/// Kafka response header.
/// <code>
///   v0: correlation_id int32
///   v1: v0 | tagged fields
/// </code>
/// v1 for flexible versions, except ApiVersions which always answers with v0
/// (<see cref="SupportedApis.ResponseHeaderVersion"/>).
/// </summary>
public static class ResponseHeader
{
    public static void Write(KafkaWriter writer, int correlationId, short headerVersion)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt32(correlationId);
        if (headerVersion >= 1)
            writer.WriteEmptyTaggedFields();
    }

    /// <summary>Returns the correlation id.</summary>
    public static int Read(ref KafkaReader reader, short headerVersion)
    {
        var correlationId = reader.ReadInt32();
        if (headerVersion >= 1)
            reader.SkipTaggedFields();
        return correlationId;
    }
}

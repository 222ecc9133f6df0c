namespace FastLog.Protocol;

/// <summary>
/// Kafka request header.
/// <code>
///   v0: api_key int16 | api_version int16 | correlation_id int32
///   v1: v0 | client_id NULLABLE_STRING (int16 length, never compact, even in v2)
///   v2: v1 | tagged fields
/// </code>
/// The version follows from (api key, api version): v2 for flexible versions, else v1
/// (<see cref="SupportedApis.RequestHeaderVersion"/>).
/// </summary>
public sealed class RequestHeader
{
    public ApiKey ApiKey;
    public short ApiVersion;
    public int CorrelationId;
    public string? ClientId;

    /// <summary>Reads a header whose version follows from its own api key and version.</summary>
    public static RequestHeader Read(ref KafkaReader reader) => ReadCore(ref reader, headerVersion: null);

    public static RequestHeader Read(ref KafkaReader reader, short headerVersion) => ReadCore(ref reader, headerVersion);

    public void Write(KafkaWriter writer) => Write(writer, SupportedApis.RequestHeaderVersion(ApiKey, ApiVersion));

    public void Write(KafkaWriter writer, short headerVersion)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt16((short)ApiKey);
        writer.WriteInt16(ApiVersion);
        writer.WriteInt32(CorrelationId);
        if (headerVersion >= 1)
            writer.WriteNullableString(ClientId, compact: false);
        if (headerVersion >= 2)
            writer.WriteEmptyTaggedFields();
    }

    private static RequestHeader ReadCore(ref KafkaReader reader, short? headerVersion)
    {
        var header = new RequestHeader
        {
            ApiKey = (ApiKey)reader.ReadInt16(),
            ApiVersion = reader.ReadInt16(),
            CorrelationId = reader.ReadInt32(),
        };
        var version = headerVersion ?? SupportedApis.RequestHeaderVersion(header.ApiKey, header.ApiVersion);
        if (version >= 1)
            header.ClientId = reader.ReadNullableString(compact: false);
        if (version >= 2)
            reader.SkipTaggedFields();
        return header;
    }
}

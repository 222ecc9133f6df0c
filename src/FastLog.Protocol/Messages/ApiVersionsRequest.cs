namespace FastLog.Protocol;

/// <summary>
/// ApiVersions request (key 18), v0–3. v0–2 have no fields; v3 (flexible) adds
/// client_software_name and client_software_version (COMPACT_STRING each), then tagged fields.
/// </summary>
public sealed class ApiVersionsRequest : KafkaMessage<ApiVersionsRequest>
{
    public string ClientSoftwareName = "";
    public string ClientSoftwareVersion = "";

    public override ApiKey ApiKey => ApiKey.ApiVersions;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 3)
        {
            codec.String(ref ClientSoftwareName);
            codec.String(ref ClientSoftwareVersion);
        }
    }
}

namespace FastLog.Protocol;

/// <summary>
/// ApiVersions response (key 18), v0–3; always sent with response header v0.
/// <code>
///   error_code INT16 | api_keys ARRAY[api_key INT16, min_version INT16, max_version INT16]
///   | throttle_time_ms INT32 (v1+)
///   | tagged (v3): 0 supported_features, 1 finalized_features_epoch, 2 finalized_features, 3 zk_migration_ready
/// </code>
/// A request above the supported version is answered with <see cref="ForUnsupportedVersion"/>
/// encoded as v0, as Kafka does (KIP-511), so the client can retry with a version it finds there.
/// </summary>
public sealed class ApiVersionsResponse : KafkaMessage<ApiVersionsResponse>
{
    public ErrorCode ErrorCode;
    public List<ApiVersion> ApiKeys = [];
    public int ThrottleTimeMs;
    public List<SupportedFeatureKey> SupportedFeatures = [];
    public long FinalizedFeaturesEpoch = -1;
    public List<FinalizedFeatureKey> FinalizedFeatures = [];
    public bool ZkMigrationReady;

    public override ApiKey ApiKey => ApiKey.ApiVersions;

    /// <summary>Every API in <paramref name="apis"/> (default: <see cref="SupportedApis.Advertised"/>, the Kafka ones) with its range.</summary>
    public static ApiVersionsResponse FromSupportedApis(IEnumerable<SupportedApi>? apis = null) => new()
    {
        ApiKeys = (apis ?? SupportedApis.Advertised).Select(ApiVersion.From).ToList(),
    };

    /// <summary>The answer to an ApiVersions request with a too-high version: UNSUPPORTED_VERSION plus the ApiVersions range; write it as v0.</summary>
    public static ApiVersionsResponse ForUnsupportedVersion() => new()
    {
        ErrorCode = ErrorCode.UnsupportedVersion,
        ApiKeys = [ApiVersion.From(SupportedApis.Find(ApiKey.ApiVersions)!)],
    };

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Error(ref ErrorCode);
        codec.Array(ref ApiKeys);
        if (codec.Version >= 1)
            codec.Int32(ref ThrottleTimeMs);
    }

    internal override void MapTaggedFields(ref KafkaCodec codec)
    {
        var present = (SupportedFeatures.Count > 0 ? 1u : 0) | (FinalizedFeaturesEpoch != -1 ? 2u : 0)
            | (FinalizedFeatures.Count > 0 ? 4u : 0) | (ZkMigrationReady ? 8u : 0);
        var tags = codec.BeginTaggedFields(known: 0b1111, present);
        while (codec.NextTaggedField(ref tags, out var tag))
        {
            switch (tag)
            {
                case 0:
                    codec.Array(ref SupportedFeatures);
                    break;
                case 1:
                    codec.Int64(ref FinalizedFeaturesEpoch);
                    break;
                case 2:
                    codec.Array(ref FinalizedFeatures);
                    break;
                default:
                    codec.Bool(ref ZkMigrationReady);
                    break;
            }
        }
    }

    public sealed class ApiVersion : KafkaStruct
    {
        public short ApiKey;
        public short MinVersion;
        public short MaxVersion;

        public static ApiVersion From(SupportedApi api) => new()
        {
            ApiKey = (short)api.ApiKey,
            MinVersion = api.MinVersion,
            MaxVersion = api.MaxVersion,
        };

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int16(ref ApiKey);
            codec.Int16(ref MinVersion);
            codec.Int16(ref MaxVersion);
        }
    }

    public sealed class SupportedFeatureKey : KafkaStruct
    {
        public string Name = "";
        public short MinVersion;
        public short MaxVersion;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Int16(ref MinVersion);
            codec.Int16(ref MaxVersion);
        }
    }

    public sealed class FinalizedFeatureKey : KafkaStruct
    {
        public string Name = "";
        public short MaxVersionLevel;
        public short MinVersionLevel;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Int16(ref MaxVersionLevel);
            codec.Int16(ref MinVersionLevel);
        }
    }
}

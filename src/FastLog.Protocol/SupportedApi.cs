namespace FastLog.Protocol;

/// <summary>
/// One API the codec implements: its version range, the first flexible version (compact
/// encodings, tagged fields, request header v2 / response header v1; <see cref="NeverFlexible"/>
/// if none) and factories for its request and response bodies.
/// </summary>
public sealed record SupportedApi(
    ApiKey ApiKey,
    short MinVersion,
    short MaxVersion,
    short FirstFlexibleVersion,
    Func<KafkaMessage> CreateRequest,
    Func<KafkaMessage> CreateResponse)
{
    public const short NeverFlexible = short.MaxValue;

    public bool Supports(short version) => version >= MinVersion && version <= MaxVersion;

    /// <summary>Flexibility is open-ended, as in Kafka: versions past the max count too (header parsing needs that).</summary>
    public bool IsFlexible(short version) => version >= FirstFlexibleVersion;
}

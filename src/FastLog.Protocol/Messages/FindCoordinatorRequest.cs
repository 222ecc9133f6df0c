namespace FastLog.Protocol;

/// <summary>
/// FindCoordinator request (key 10), v0–4 (flexible from v3).
/// <code>
///   key STRING (v0–3) | key_type INT8 (v1+, 0 group, 1 transaction) | coordinator_keys ARRAY[STRING] (v4+)
/// </code>
/// </summary>
public sealed class FindCoordinatorRequest : KafkaMessage<FindCoordinatorRequest>
{
    public string Key = "";
    public sbyte KeyType;
    public List<string> CoordinatorKeys = [];

    public override ApiKey ApiKey => ApiKey.FindCoordinator;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version <= 3)
            codec.String(ref Key);
        if (codec.Version >= 1)
            codec.Int8(ref KeyType);
        if (codec.Version >= 4)
            codec.StringArray(ref CoordinatorKeys);
    }
}

namespace FastLog.Protocol;

/// <summary>
/// A resource and the configs to set on it (AlterConfigs and IncrementalAlterConfigs requests).
/// <code>
///   resource_type INT8 | resource_name STRING | configs ARRAY[TConfig] | tagged fields (flexible)
/// </code>
/// </summary>
public sealed class ConfigResource<TConfig> : KafkaStruct
    where TConfig : KafkaStruct, new()
{
    public sbyte ResourceType;
    public string ResourceName = "";
    public List<TConfig> Configs = [];

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int8(ref ResourceType);
        codec.String(ref ResourceName);
        codec.Array(ref Configs);
    }
}

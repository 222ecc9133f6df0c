namespace FastLog.Protocol;

/// <summary>
/// A config name and nullable value, as CreateTopics and AlterConfigs requests carry them.
/// <code>
///   name STRING | value NULLABLE_STRING | tagged fields (flexible)
/// </code>
/// </summary>
public sealed class ConfigEntry : KafkaStruct
{
    public string Name = "";
    public string? Value;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.String(ref Name);
        codec.NullableString(ref Value);
    }
}

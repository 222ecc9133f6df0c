namespace FastLog.Protocol;

/// <summary>
/// The body shared by AlterConfigs and IncrementalAlterConfigs requests, which differ only in
/// the config element.
/// <code>
///   resources ARRAY[ConfigResource&lt;TConfig&gt;] | validate_only BOOL
/// </code>
/// </summary>
public abstract class AlterConfigsRequestBase<TSelf, TConfig> : KafkaMessage<TSelf>
    where TSelf : AlterConfigsRequestBase<TSelf, TConfig>, new()
    where TConfig : KafkaStruct, new()
{
    public List<ConfigResource<TConfig>> Resources = [];
    public bool ValidateOnly;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Array(ref Resources);
        codec.Bool(ref ValidateOnly);
    }
}

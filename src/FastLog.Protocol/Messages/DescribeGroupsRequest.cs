namespace FastLog.Protocol;

/// <summary>
/// DescribeGroups request (key 15), v0–5 (flexible from v5).
/// <code>
///   groups ARRAY[STRING] | include_authorized_operations BOOL (v3+)
/// </code>
/// </summary>
public sealed class DescribeGroupsRequest : KafkaMessage<DescribeGroupsRequest>
{
    public List<string> Groups = [];
    public bool IncludeAuthorizedOperations;

    public override ApiKey ApiKey => ApiKey.DescribeGroups;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.StringArray(ref Groups);
        if (codec.Version >= 3)
            codec.Bool(ref IncludeAuthorizedOperations);
    }
}

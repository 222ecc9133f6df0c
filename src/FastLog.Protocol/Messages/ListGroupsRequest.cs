namespace FastLog.Protocol;

/// <summary>
/// ListGroups request (key 16), v0–4 (flexible from v3).
/// <code>
///   states_filter ARRAY[STRING] (v4+; empty = all states)
/// </code>
/// </summary>
public sealed class ListGroupsRequest : KafkaMessage<ListGroupsRequest>
{
    public List<string> StatesFilter = [];

    public override ApiKey ApiKey => ApiKey.ListGroups;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 4)
            codec.StringArray(ref StatesFilter);
    }
}

namespace FastLog.Protocol;

/// <summary>
/// DeleteGroups request (key 42), v0–2 (flexible from v2).
/// <code>
///   groups_names ARRAY[STRING]
/// </code>
/// </summary>
public sealed class DeleteGroupsRequest : KafkaMessage<DeleteGroupsRequest>
{
    public List<string> GroupsNames = [];

    public override ApiKey ApiKey => ApiKey.DeleteGroups;

    internal override void Map(ref KafkaCodec codec) => codec.StringArray(ref GroupsNames);
}

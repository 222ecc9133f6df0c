namespace FastLog.Protocol;

/// <summary>
/// Metadata request (key 3), v0–13 (flexible from v9; v13 is v12's body).
/// <code>
///   topics ARRAY[topic_id UUID (v10+), name STRING (nullable v10+)]   null = all topics (v1+); v0: not nullable, empty = all topics
///   | allow_auto_topic_creation BOOL (v4+, default true)
///   | include_cluster_authorized_operations BOOL (v8–10) | include_topic_authorized_operations BOOL (v8+)
/// </code>
/// v0 is read into the later versions' meaning (an empty array becomes null, "all topics"), so
/// handlers see one convention; written at v0, null and empty both mean all topics, the only
/// reading v0 has (it cannot ask for no topics). allow_auto_topic_creation keeps its default,
/// true, below v4, as Kafka treats those versions.
/// </summary>
public sealed class MetadataRequest : KafkaMessage<MetadataRequest>
{
    public List<MetadataRequestTopic>? Topics = [];
    public bool AllowAutoTopicCreation = true;
    public bool IncludeClusterAuthorizedOperations;
    public bool IncludeTopicAuthorizedOperations;

    public override ApiKey ApiKey => ApiKey.Metadata;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version == 0)
        {
            var topics = Topics ?? [];
            codec.Array(ref topics);
            if (codec.IsReading)
                Topics = topics.Count == 0 ? null : topics;
        }
        else
        {
            codec.NullableArray(ref Topics);
        }

        if (codec.Version >= 4)
            codec.Bool(ref AllowAutoTopicCreation);
        if (codec.Version is >= 8 and <= 10)
            codec.Bool(ref IncludeClusterAuthorizedOperations);
        if (codec.Version >= 8)
            codec.Bool(ref IncludeTopicAuthorizedOperations);
    }

    public sealed class MetadataRequestTopic : KafkaStruct
    {
        public Guid TopicId;
        public string? Name;

        internal override void Map(ref KafkaCodec codec)
        {
            if (codec.Version >= 10)
                codec.Uuid(ref TopicId);
            codec.NullableString(ref Name, nullable: codec.Version >= 10);
        }
    }
}

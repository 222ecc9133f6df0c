namespace FastLog.Protocol;

/// <summary>
/// Metadata request (key 3), v1–12 (flexible from v9).
/// <code>
///   topics NULLABLE ARRAY[topic_id UUID (v10+), name STRING (nullable v10+)]   null = all topics
///   | allow_auto_topic_creation BOOL (v4+, default true)
///   | include_cluster_authorized_operations BOOL (v8–10) | include_topic_authorized_operations BOOL (v8+)
/// </code>
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
        codec.NullableArray(ref Topics);
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

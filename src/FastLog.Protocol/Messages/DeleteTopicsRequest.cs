namespace FastLog.Protocol;

/// <summary>
/// DeleteTopics request (key 20), v1–6 (flexible from v4).
/// <code>
///   v1–5: topic_names ARRAY[STRING] | timeout_ms INT32
///   v6:   topics ARRAY[name NULLABLE_STRING, topic_id UUID] | timeout_ms INT32
/// </code>
/// </summary>
public sealed class DeleteTopicsRequest : KafkaMessage<DeleteTopicsRequest>
{
    public List<DeleteTopicState> Topics = [];
    public List<string> TopicNames = [];
    public int TimeoutMs;

    public override ApiKey ApiKey => ApiKey.DeleteTopics;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 6)
            codec.Array(ref Topics);
        else
            codec.StringArray(ref TopicNames);
        codec.Int32(ref TimeoutMs);
    }

    public sealed class DeleteTopicState : KafkaStruct
    {
        public string? Name;
        public Guid TopicId;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.NullableString(ref Name);
            codec.Uuid(ref TopicId);
        }
    }
}

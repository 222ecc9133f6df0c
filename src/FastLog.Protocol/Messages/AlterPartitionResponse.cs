namespace FastLog.Protocol;

/// <summary>
/// AlterPartition response (key 56), v0–3 (flexible in every version).
/// <code>
///   throttle_time_ms INT32 | error_code INT16
///   | topics ARRAY[topic_name STRING (v0–1), topic_id UUID (v2+),
///       partitions ARRAY[partition_index INT32, error_code INT16, leader_id INT32, leader_epoch INT32,
///         isr ARRAY[INT32], leader_recovery_state INT8 (v1+), partition_epoch INT32]]
/// </code>
/// </summary>
public sealed class AlterPartitionResponse : KafkaMessage<AlterPartitionResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public List<TopicData> Topics = [];

    public override ApiKey ApiKey => ApiKey.AlterPartition;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        codec.Error(ref ErrorCode);
        codec.Array(ref Topics);
    }

    /// <summary>One topic: by name before v2, by id from v2.</summary>
    public sealed class TopicData : KafkaStruct
    {
        public string TopicName = "";
        public Guid TopicId;
        public List<PartitionData> Partitions = [];

        internal override void Map(ref KafkaCodec codec)
        {
            if (codec.Version <= 1)
                codec.String(ref TopicName);
            else
                codec.Uuid(ref TopicId);
            codec.Array(ref Partitions);
        }
    }

    /// <summary>The partition's state after the change (or the error that refused it).</summary>
    public sealed class PartitionData : KafkaStruct
    {
        public int PartitionIndex;
        public ErrorCode ErrorCode;
        public int LeaderId;
        public int LeaderEpoch;
        public List<int> Isr = [];

        /// <summary>1 while the partition recovers from an unclean leader election, else 0.</summary>
        public sbyte LeaderRecoveryState;
        public int PartitionEpoch;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Error(ref ErrorCode);
            codec.Int32(ref LeaderId);
            codec.Int32(ref LeaderEpoch);
            codec.Int32Array(ref Isr);
            if (codec.Version >= 1)
                codec.Int8(ref LeaderRecoveryState);
            codec.Int32(ref PartitionEpoch);
        }
    }
}

namespace FastLog.Protocol;

/// <summary>
/// AlterPartition request (key 56), v0–3 (flexible in every version): a partition leader asks the
/// controller to change its ISR (KIP-497, KIP-841, KIP-903).
/// <code>
///   broker_id INT32 | broker_epoch INT64
///   | topics ARRAY[topic_name STRING (v0–1), topic_id UUID (v2+),
///       partitions ARRAY[partition_index INT32, leader_epoch INT32, new_isr ARRAY[INT32] (v0–2),
///         new_isr_with_epochs ARRAY[broker_id INT32, broker_epoch INT64] (v3+),
///         leader_recovery_state INT8 (v1+), partition_epoch INT32]]
/// </code>
/// </summary>
public sealed class AlterPartitionRequest : KafkaMessage<AlterPartitionRequest>
{
    public int BrokerId;
    public long BrokerEpoch = -1;
    public List<TopicData> Topics = [];

    public override ApiKey ApiKey => ApiKey.AlterPartition;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref BrokerId);
        codec.Int64(ref BrokerEpoch);
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

    /// <summary>The ISR asked for: <see cref="NewIsr"/> up to v2, <see cref="NewIsrWithEpochs"/> from v3.</summary>
    public sealed class PartitionData : KafkaStruct
    {
        public int PartitionIndex;
        public int LeaderEpoch;
        public List<int> NewIsr = [];
        public List<BrokerState> NewIsrWithEpochs = [];

        /// <summary>1 while the partition recovers from an unclean leader election, else 0.</summary>
        public sbyte LeaderRecoveryState;
        public int PartitionEpoch;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Int32(ref LeaderEpoch);
            if (codec.Version <= 2)
                codec.Int32Array(ref NewIsr);
            else
                codec.Array(ref NewIsrWithEpochs);
            if (codec.Version >= 1)
                codec.Int8(ref LeaderRecoveryState);
            codec.Int32(ref PartitionEpoch);
        }
    }

    /// <summary>An ISR member with its broker epoch (-1: not checked).</summary>
    public sealed class BrokerState : KafkaStruct
    {
        public int BrokerId;
        public long BrokerEpoch = -1;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref BrokerId);
            codec.Int64(ref BrokerEpoch);
        }
    }
}

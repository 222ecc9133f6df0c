namespace FastLog.Protocol;

/// <summary>
/// OffsetForLeaderEpoch request (key 23), v0–4 (flexible from v4).
/// <code>
///   replica_id INT32 (v3+)
///   | topics ARRAY[topic STRING, partitions ARRAY[partition INT32, current_leader_epoch INT32 (v2+), leader_epoch INT32]]
/// </code>
/// A consumer sends replica id -1 (KIP-320: it checks its position for log truncation after a
/// leader change); a follower sends its broker id. Versions before v3 read as -2 (Kafka's default,
/// the "debug" replica).
/// </summary>
public sealed class OffsetForLeaderEpochRequest : KafkaMessage<OffsetForLeaderEpochRequest>
{
    public int ReplicaId = -2;
    public List<TopicData<OffsetForLeaderPartition>> Topics = [];

    public override ApiKey ApiKey => ApiKey.OffsetForLeaderEpoch;

    internal override void Map(ref KafkaCodec codec)
    {
        if (codec.Version >= 3)
            codec.Int32(ref ReplicaId);
        codec.Array(ref Topics);
    }

    public sealed class OffsetForLeaderPartition : KafkaStruct
    {
        public int Partition;
        public int CurrentLeaderEpoch = -1;
        public int LeaderEpoch;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref Partition);
            if (codec.Version >= 2)
                codec.Int32(ref CurrentLeaderEpoch);
            codec.Int32(ref LeaderEpoch);
        }
    }
}

namespace FastLog.Protocol;

/// <summary>
/// Fetch response (key 1), v4–12 (flexible from v12).
/// <code>
///   throttle_time_ms INT32 | error_code INT16 (v7+) | session_id INT32 (v7+)
///   | responses ARRAY[topic STRING, partitions ARRAY[partition_index INT32, error_code INT16,
///       high_watermark INT64, last_stable_offset INT64, log_start_offset INT64 (v5+),
///       aborted_transactions NULLABLE ARRAY[producer_id INT64, first_offset INT64],
///       preferred_read_replica INT32 (v11+), records NULLABLE RECORDS,
///       tagged (v12): 0 diverging_epoch, 1 current_leader, 2 snapshot_id]]
/// </code>
/// Records are an <see cref="IRecordsPayload"/>: anything but <see cref="MemoryRecords"/> is not
/// copied but left as a splice point in the <see cref="KafkaWriter"/>, so the broker sends file
/// ranges and cached chunks in place (see the project README).
/// </summary>
public sealed class FetchResponse : KafkaMessage<FetchResponse>
{
    public int ThrottleTimeMs;
    public ErrorCode ErrorCode;
    public int SessionId;
    public List<TopicData<PartitionData>> Responses = [];

    public override ApiKey ApiKey => ApiKey.Fetch;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref ThrottleTimeMs);
        if (codec.Version >= 7)
        {
            codec.Error(ref ErrorCode);
            codec.Int32(ref SessionId);
        }

        codec.Array(ref Responses);
    }

    public sealed class PartitionData : KafkaStruct
    {
        public int PartitionIndex;
        public ErrorCode ErrorCode;
        public long HighWatermark;
        public long LastStableOffset = -1;
        public long LogStartOffset = -1;
        public EpochEndOffset DivergingEpoch = new();
        public LeaderIdAndEpoch CurrentLeader = new();
        public SnapshotId SnapshotId = new();
        public List<AbortedTransaction>? AbortedTransactions;
        public int PreferredReadReplica = -1;
        public IRecordsPayload? Records;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref PartitionIndex);
            codec.Error(ref ErrorCode);
            codec.Int64(ref HighWatermark);
            codec.Int64(ref LastStableOffset);
            if (codec.Version >= 5)
                codec.Int64(ref LogStartOffset);
            codec.NullableArray(ref AbortedTransactions);
            if (codec.Version >= 11)
                codec.Int32(ref PreferredReadReplica);
            codec.Records(ref Records);
        }

        internal override void MapTaggedFields(ref KafkaCodec codec)
        {
            var present = (DivergingEpoch.IsDefault ? 0u : 1u) | (CurrentLeader.IsDefault ? 0u : 2u) | (SnapshotId.IsDefault ? 0u : 4u);
            var tags = codec.BeginTaggedFields(known: 0b111, present);
            while (codec.NextTaggedField(ref tags, out var tag))
            {
                if (tag == 0)
                    codec.Struct(ref DivergingEpoch);
                else if (tag == 1)
                    codec.Struct(ref CurrentLeader);
                else
                    codec.Struct(ref SnapshotId);
            }
        }
    }

    public sealed class AbortedTransaction : KafkaStruct
    {
        public long ProducerId;
        public long FirstOffset;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int64(ref ProducerId);
            codec.Int64(ref FirstOffset);
        }
    }

    /// <summary>Tagged diverging_epoch: epoch INT32, end_offset INT64 (both default -1).</summary>
    public sealed class EpochEndOffset : KafkaStruct
    {
        public int Epoch = -1;
        public long EndOffset = -1;

        public bool IsDefault => Epoch == -1 && EndOffset == -1;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref Epoch);
            codec.Int64(ref EndOffset);
        }
    }

    /// <summary>Tagged snapshot_id: end_offset INT64, epoch INT32 (both default -1).</summary>
    public sealed class SnapshotId : KafkaStruct
    {
        public long EndOffset = -1;
        public int Epoch = -1;

        public bool IsDefault => EndOffset == -1 && Epoch == -1;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int64(ref EndOffset);
            codec.Int32(ref Epoch);
        }
    }
}

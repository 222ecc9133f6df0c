namespace FastLog.Protocol;

/// <summary>
/// Produce response (key 0), v3–10 (flexible from v9).
/// <code>
///   responses ARRAY[name STRING, partition_responses ARRAY[index INT32, error_code INT16, base_offset INT64,
///       log_append_time_ms INT64, log_start_offset INT64 (v5+),
///       record_errors ARRAY[batch_index INT32, batch_index_error_message NULLABLE_STRING] (v8+),
///       error_message NULLABLE_STRING (v8+),
///       tagged (v10): 0 current_leader]]
///   | throttle_time_ms INT32
///   | tagged (v10): 0 node_endpoints ARRAY[node_id INT32, host STRING, port INT32, rack NULLABLE_STRING]
/// </code>
/// </summary>
public sealed class ProduceResponse : KafkaMessage<ProduceResponse>
{
    /// <summary>The first version with KIP-951's current_leader and node_endpoints.</summary>
    public const short FirstLeaderHintVersion = 10;

    public List<TopicData<PartitionProduceResponse>> Responses = [];
    public int ThrottleTimeMs;
    public List<BrokerEndpoint> NodeEndpoints = [];

    public override ApiKey ApiKey => ApiKey.Produce;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Array(ref Responses);
        codec.Int32(ref ThrottleTimeMs);
    }

    internal override void MapTaggedFields(ref KafkaCodec codec)
    {
        var tags = codec.BeginTaggedFields(known: codec.Version >= FirstLeaderHintVersion ? 1u : 0u, present: NodeEndpoints.Count > 0 ? 1u : 0u);
        while (codec.NextTaggedField(ref tags, out _))
        {
            codec.Array(ref NodeEndpoints);
        }
    }

    public sealed class PartitionProduceResponse : KafkaStruct
    {
        public int Index;
        public ErrorCode ErrorCode;
        public long BaseOffset;
        public long LogAppendTimeMs = -1;
        public long LogStartOffset = -1;
        public List<BatchIndexAndErrorMessage> RecordErrors = [];
        public string? ErrorMessage;
        public LeaderIdAndEpoch CurrentLeader = new();

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref Index);
            codec.Error(ref ErrorCode);
            codec.Int64(ref BaseOffset);
            codec.Int64(ref LogAppendTimeMs);
            if (codec.Version >= 5)
                codec.Int64(ref LogStartOffset);
            if (codec.Version >= 8)
            {
                codec.Array(ref RecordErrors);
                codec.NullableString(ref ErrorMessage);
            }
        }

        internal override void MapTaggedFields(ref KafkaCodec codec)
        {
            var tags = codec.BeginTaggedFields(known: codec.Version >= FirstLeaderHintVersion ? 1u : 0u, present: CurrentLeader.IsDefault ? 0u : 1u);
            while (codec.NextTaggedField(ref tags, out _))
            {
                codec.Struct(ref CurrentLeader);
            }
        }
    }

    public sealed class BatchIndexAndErrorMessage : KafkaStruct
    {
        public int BatchIndex;
        public string? BatchIndexErrorMessage;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.Int32(ref BatchIndex);
            codec.NullableString(ref BatchIndexErrorMessage);
        }
    }
}

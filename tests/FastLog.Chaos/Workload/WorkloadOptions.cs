namespace FastLog.Chaos.Workload;

/// <summary>The producers and consumers of a run, and the client timeouts the fault timing is set against.</summary>
internal sealed record WorkloadOptions
{
    public required string Topic { get; init; }

    public int Partitions { get; init; } = 3;

    public short ReplicationFactor { get; init; } = 1;

    /// <summary>The topic's min.insync.replicas (null: the broker's default).</summary>
    public short? MinInsyncReplicas { get; init; }

    /// <summary>
    /// The topic's segment.bytes when the disk fault is on (null: the broker's default). The broker
    /// reserves space ahead of each active segment, so a short full disk only bites when a segment
    /// rolls or grows past its reservation meanwhile: small segments make that happen every few seconds.
    /// </summary>
    public int? SegmentBytes { get; init; }

    public int Producers { get; init; } = 3;

    /// <summary>Writes per second per producer.</summary>
    public int Rate { get; init; } = 500;

    /// <summary>acks=all with idempotence (true) or acks=1 without (false: librdkafka allows idempotence only with acks=all).</summary>
    public bool AcksAll { get; init; } = true;

    /// <summary>request.timeout.ms of producers (and the socket timeouts): a pause must outlast it.</summary>
    public int RequestTimeoutMs { get; init; } = 3000;

    /// <summary>message.timeout.ms: a write not acknowledged by then is indeterminate.</summary>
    public int MessageTimeoutMs { get; init; } = DefaultMessageTimeoutMs;

    /// <summary>One node's message.timeout.ms (a cluster's is longer, see ChaosRun).</summary>
    public const int DefaultMessageTimeoutMs = 15000;

    /// <summary>Group consumers (besides the one assigned reader).</summary>
    public int GroupConsumers { get; init; } = 2;

    public int CommitIntervalMs { get; init; } = 500;
}

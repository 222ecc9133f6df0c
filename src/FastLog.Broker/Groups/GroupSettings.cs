using FastLog.Broker.Configuration;

namespace FastLog.Broker.Groups;

/// <summary>The group coordinator's settings (Kafka's group.* and offsets.* broker configs), from <see cref="BrokerOptions"/>.</summary>
public sealed record GroupSettings
{
    /// <summary>group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members.</summary>
    public TimeSpan InitialRebalanceDelay { get; init; }

    /// <summary>group.min.session.timeout.ms / group.max.session.timeout.ms: the session timeouts members may ask for.</summary>
    public int MinSessionTimeoutMs { get; init; }

    public int MaxSessionTimeoutMs { get; init; }

    /// <summary>group.max.size: the most members a group accepts.</summary>
    public int MaxSize { get; init; } = int.MaxValue;

    /// <summary>offsets.retention.minutes: how long an empty group's offsets are kept.</summary>
    public TimeSpan OffsetsRetention { get; init; }

    /// <summary>offsets.retention.check.interval.ms: how often expired offsets are removed (and the offsets log compacted).</summary>
    public TimeSpan OffsetsRetentionCheckInterval { get; init; }

    /// <summary>offset.metadata.max.bytes: longest metadata string an OffsetCommit may carry.</summary>
    public int MaxMetadataLength { get; init; } = 4096;

    /// <summary>
    /// Segment size of a single node's offsets-log partitions (Kafka's offsets.topic.segment.bytes is
    /// 100 MiB; smaller here, since the active segment is what the cleaner cannot compact and what a start replays).
    /// </summary>
    public long OffsetsSegmentBytes { get; init; } = 16L << 20;

    /// <summary>Clock in Unix ms (commit timestamps, expiry); replaceable in tests.</summary>
    public Func<long> UnixTimeMs { get; init; } = static () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static GroupSettings From(BrokerOptions options) => new()
    {
        InitialRebalanceDelay = TimeSpan.FromMilliseconds(options.GroupInitialRebalanceDelayMs),
        MinSessionTimeoutMs = options.GroupMinSessionTimeoutMs,
        MaxSessionTimeoutMs = options.GroupMaxSessionTimeoutMs,
        MaxSize = options.GroupMaxSize,
        OffsetsRetention = TimeSpan.FromMilliseconds(options.OffsetsRetentionMs),
        OffsetsRetentionCheckInterval = TimeSpan.FromMilliseconds(options.OffsetsRetentionCheckIntervalMs),
    };
}

using System.Globalization;
using FastLog.Records;
using FastLog.Storage.Compaction;

namespace FastLog.Broker.Topics;

/// <summary>
/// The topic-level configs FastLog understands, with Kafka's names, defaults and the broker-level
/// synonyms (log.segment.bytes for segment.bytes, ...) accepted in server.properties.
/// Anything else is rejected with INVALID_CONFIG rather than silently ignored, because a user who
/// sets a config expects it to take effect.
/// </summary>
public static class TopicConfigCatalog
{
    public const string CleanupPolicy = "cleanup.policy";
    public const string RetentionMs = "retention.ms";
    public const string RetentionBytes = "retention.bytes";
    public const string SegmentBytes = "segment.bytes";
    public const string SegmentMs = "segment.ms";
    public const string MaxMessageBytes = "max.message.bytes";
    public const string MessageTimestampType = "message.timestamp.type";
    public const string MinInSyncReplicas = "min.insync.replicas";
    public const string CompressionType = "compression.type";
    public const string CompressionGzipLevel = "compression.gzip.level";
    public const string CompressionLz4Level = "compression.lz4.level";
    public const string CompressionZstdLevel = "compression.zstd.level";
    public const string UncleanLeaderElectionEnable = "unclean.leader.election.enable";
    public const string DeleteRetentionMs = "delete.retention.ms";
    public const string MinCompactionLagMs = "min.compaction.lag.ms";
    public const string MaxCompactionLagMs = "max.compaction.lag.ms";
    public const string MinCleanableDirtyRatio = "min.cleanable.dirty.ratio";

    /// <summary>One known config: its default, its broker-level synonym, and what values it accepts.</summary>
    public sealed record Definition(string Name, string Default, string BrokerSynonym, Func<string, string?> Check);

    public static readonly IReadOnlyList<Definition> All =
    [
        // compact: the log cleaner keeps the latest record per key and age/size retention is off;
        // compact,delete: both (Kafka's semantics).
        new(CleanupPolicy, "delete", "log.cleanup.policy", v => v is "delete" or "compact" or "compact,delete" or "delete,compact" ? null : "must be delete, compact or compact,delete"),
        new(RetentionMs, "604800000", "log.retention.ms", v => Long(v, min: -1)),
        new(RetentionBytes, "-1", "log.retention.bytes", v => Long(v, min: -1)),
        new(SegmentBytes, "1073741824", "log.segment.bytes", v => Long(v, min: 4096, max: int.MaxValue)),
        new(SegmentMs, "604800000", "log.roll.ms", v => Long(v, min: 1)),
        new(MaxMessageBytes, "1048588", "message.max.bytes", v => Long(v, min: 0, max: int.MaxValue)),
        new(MessageTimestampType, "CreateTime", "log.message.timestamp.type", v => v is "CreateTime" or "LogAppendTime" ? null : "must be CreateTime or LogAppendTime"),
        // acks=all is refused with NOT_ENOUGH_REPLICAS while the ISR is smaller (a single node, or a partition whose followers are not in sync).
        new(MinInSyncReplicas, "1", "min.insync.replicas", v => Long(v, min: 1, max: int.MaxValue)),
        // Whether an out-of-sync replica may lead when no in-sync one is alive (losing what only the ISR had); Kafka's default is no.
        new(UncleanLeaderElectionEnable, "false", "unclean.leader.election.enable", v => v is "true" or "false" ? null : "must be true or false"),
        // producer: batches are stored as sent; a codec: batches in another codec are re-encoded on produce (PartitionReplica.Compression.cs).
        new(CompressionType, "producer", "compression.type", v => v is "producer" or "uncompressed" or "gzip" or "snappy" or "lz4" or "zstd" ? null : "must be producer, uncompressed, gzip, snappy, lz4 or zstd"),
        // The levels a re-encoding uses (KIP-390, Kafka's ranges and defaults; -1 is the platform's zlib default).
        new(CompressionGzipLevel, "-1", CompressionGzipLevel, v => v == "-1" ? null : Long(v, min: 1, max: 9)),
        new(CompressionLz4Level, "9", CompressionLz4Level, v => Long(v, min: 1, max: 17)),
        new(CompressionZstdLevel, "3", CompressionZstdLevel, v => Long(v, min: -131072, max: 22)),
        // Log compaction (Kafka's defaults and broker synonyms).
        new(DeleteRetentionMs, "86400000", "log.cleaner.delete.retention.ms", v => Long(v, min: 0)),
        new(MinCompactionLagMs, "0", "log.cleaner.min.compaction.lag.ms", v => Long(v, min: 0)),
        new(MaxCompactionLagMs, "9223372036854775807", "log.cleaner.max.compaction.lag.ms", v => Long(v, min: 1)),
        new(MinCleanableDirtyRatio, "0.5", "log.cleaner.min.cleanable.ratio", v => Ratio(v)),
    ];

    private static readonly Dictionary<string, Definition> ByName = All.ToDictionary(d => d.Name, StringComparer.Ordinal);
    private static readonly Dictionary<string, Definition> ByBrokerSynonym = All.ToDictionary(d => d.BrokerSynonym, StringComparer.Ordinal);

    public static bool TryGet(string name, out Definition definition) => ByName.TryGetValue(name, out definition!);

    /// <summary>Maps a server.properties key (log.segment.bytes, log.retention.hours, ...) to a topic config name and value.</summary>
    public static bool TryMapBrokerKey(string key, string value, out string topicConfig, out string topicValue)
    {
        // Kafka also accepts the retention in hours and minutes; fold both into retention.ms.
        if (key is "log.retention.hours" or "log.retention.minutes")
        {
            var unit = key == "log.retention.hours" ? 3_600_000L : 60_000L;
            topicConfig = RetentionMs;
            topicValue = long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? (n < 0 ? "-1" : (n * unit).ToString(CultureInfo.InvariantCulture))
                : value;
            return true;
        }

        if (ByBrokerSynonym.TryGetValue(key, out var definition))
        {
            topicConfig = definition.Name;
            topicValue = value;
            return true;
        }

        topicConfig = topicValue = string.Empty;
        return false;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the config when it is unknown or its value is invalid.</summary>
    public static void Validate(string name, string? value)
    {
        if (!ByName.TryGetValue(name, out var definition))
        {
            throw new ArgumentException($"Unknown topic config '{name}'");
        }

        if (value is null)
        {
            return; // null means "back to the default" in AlterConfigs
        }

        var problem = definition.Check(value);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid value '{value}' for {name}: {problem}");
        }
    }

    private static string? Ratio(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? null
            : "must be a number in [0, 1]";

    /// <summary>
    /// The compaction settings of a topic from its effective configs (<paramref name="config"/>: name ->
    /// value) and the broker's cleaner settings (log.cleaner.backoff.ms, the shard's share of
    /// log.cleaner.dedupe.buffer.size), or null when its cleanup.policy does not include compact.
    /// </summary>
    public static CompactionOptions? Compaction(Func<string, string> config, TimeSpan backoff, int offsetMapBytes)
    {
        ArgumentNullException.ThrowIfNull(config);
        var policy = config(CleanupPolicy).Split(',', StringSplitOptions.TrimEntries);
        if (!policy.Contains("compact"))
        {
            return null;
        }

        long Ms(string name) => long.Parse(config(name), CultureInfo.InvariantCulture);
        var maxLag = Ms(MaxCompactionLagMs);
        return new CompactionOptions
        {
            AlsoDelete = policy.Contains("delete"),
            DeleteRetention = TimeSpan.FromMilliseconds(Ms(DeleteRetentionMs)),
            MinCompactionLag = TimeSpan.FromMilliseconds(Ms(MinCompactionLagMs)),
            // Long.MAX_VALUE is Kafka's "no maximum" (and past what a TimeSpan holds).
            MaxCompactionLag = maxLag >= (long)TimeSpan.MaxValue.TotalMilliseconds / 2 ? null : TimeSpan.FromMilliseconds(maxLag),
            MinCleanableDirtyRatio = double.Parse(config(MinCleanableDirtyRatio), CultureInfo.InvariantCulture),
            Backoff = backoff,
            OffsetMapBytes = offsetMapBytes,
        };
    }

    /// <summary>
    /// The codec and level produced batches are stored with, from a topic's effective configs
    /// (<paramref name="config"/>: name -> value); null for compression.type=producer (stored as sent).
    /// </summary>
    public static TopicCompression? Compression(Func<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int Level(string name) => int.Parse(config(name), CultureInfo.InvariantCulture);
        return config(CompressionType) switch
        {
            "producer" => null,
            "uncompressed" => new TopicCompression(CompressionCodec.None, null),
            "gzip" => new TopicCompression(CompressionCodec.Gzip, Level(CompressionGzipLevel) is var gzip and > 0 ? gzip : null),
            "snappy" => new TopicCompression(CompressionCodec.Snappy, null),
            "lz4" => new TopicCompression(CompressionCodec.Lz4, Level(CompressionLz4Level)),
            "zstd" => new TopicCompression(CompressionCodec.Zstd, Level(CompressionZstdLevel)),
            var other => throw new ArgumentException($"Invalid value '{other}' for {CompressionType}"),
        };
    }

    private static string? Long(string value, long min, long max = long.MaxValue) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? null
            : $"must be an integer in [{min}, {max}]";
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using FastLog.Broker.Coordination;
using FastLog.Broker.Partitions;
using FastLog.Cluster;
using FastLog.Core;
using FastLog.Storage.Compaction;

namespace FastLog.Server.Metrics;

/// <summary>
/// The broker's counters: one <see cref="ShardMetrics"/> per shard (written only by that shard),
/// summed when Prometheus scrapes /metrics. Gauges that are cheap to compute at scrape time
/// (partitions, topics) come from <see cref="_gauges"/>.
/// </summary>
internal sealed class BrokerMetrics
{
    private readonly ShardMetrics[] _shards;
    private readonly ShardMetrics _offShard = new();
    private readonly Func<IEnumerable<(string Name, string Help, double Value)>> _gauges;
    private readonly ShardGroup _shardGroup;

    /// <summary>How long a scrape waits for the shards' cleaner figures.</summary>
    private static readonly TimeSpan ShardAnswerTimeout = TimeSpan.FromSeconds(2);

    public BrokerMetrics(ShardGroup shardGroup, Func<IEnumerable<(string Name, string Help, double Value)>> gauges)
    {
        _shardGroup = shardGroup;
        _shards = Enumerable.Range(0, shardGroup.Count).Select(_ => new ShardMetrics()).ToArray();
        _gauges = gauges;
    }

    /// <summary>Gossip membership whose counters are exported too; null on a single node. Set once during start-up, before /metrics serves.</summary>
    public ClusterMembership? Cluster { get; set; }

    /// <summary>The metadata quorum's view, exported too; null without controller.quorum.voters. Set once during start-up, before /metrics serves.</summary>
    public ClusterCoordinator? Coordinator { get; set; }

    /// <summary>The log.dirs entries, exported per directory; set once during start-up, before /metrics serves.</summary>
    public LogDirectories? LogDirectories { get; set; }

    /// <summary>The partitions whose compacted logs get per-partition cleaner figures; set once during start-up, before /metrics serves.</summary>
    public PartitionManager? Partitions { get; set; }

    /// <summary>The counters of the calling shard (its single writer).</summary>
    public ShardMetrics ForCurrentShard() => Shard.Current is { } shard && shard.Id < _shards.Length ? _shards[shard.Id] : _offShard;

    public ShardMetrics ForShard(int shard) => _shards[shard];

    /// <summary>
    /// The Prometheus text exposition (version 0.0.4). Per-partition cleaner figures are read on each
    /// owner shard (a message per shard); a shard that does not answer within
    /// <see cref="ShardAnswerTimeout"/> leaves them out of this scrape rather than failing it, since
    /// the rest (shard loop counters above all) is what shows a stuck shard.
    /// </summary>
    public async Task<string> RenderAsync(CancellationToken cancel)
    {
        List<(TopicPartition Partition, CleanerStatus Status)> cleaner = [];
        if (Partitions is not null)
        {
            try
            {
                cleaner = await Partitions.CleanerStatusesAsync().WaitAsync(ShardAnswerTimeout, cancel).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Samples left out; the families' HELP/TYPE lines are still written.
            }
        }

        var text = new StringBuilder();
        var all = _shards.Append(_offShard).ToArray();

        // A metric family's samples must follow its TYPE line: counts go to `text`, the histogram to `latency`.
        Header(text, "fastlog_requests_total", "counter", "Requests handled, by API.");
        var latency = new StringBuilder();
        Header(latency, "fastlog_request_latency_seconds", "histogram", "Time from a request's arrival to its response being ready, by API.");
        for (var key = 0; key < ShardMetrics.ApiKeySlots; key++)
        {
            var perShard = all.Select(s => s.RequestLatency(key)).ToArray();
            var buckets = MergedBuckets(perShard);
            var count = buckets.Sum();
            if (count == 0)
            {
                continue;
            }

            var api = ShardMetrics.ApiName(key);
            text.Append(CultureInfo.InvariantCulture, $"fastlog_requests_total{{api=\"{api}\"}} {count}\n");
            HistogramSamples(latency, "fastlog_request_latency_seconds", $"api=\"{api}\",", buckets, perShard);
        }

        text.Append(latency);
        Histogram(text, "fastlog_log_append_queue_seconds", "Time an append waited in its partition's writer queue before its write started.", all.Select(s => s.AppendQueue));
        Histogram(text, "fastlog_log_append_commit_seconds", "Time from an append being queued to it being written and visible (the fdatasync acks=all waits for is in fastlog_log_flush_seconds).", all.Select(s => s.AppendCommit));
        Histogram(text, "fastlog_log_segment_write_seconds", "Time of one segment write (one io_uring writev per flush).", all.Select(s => s.SegmentWrite));
        Histogram(text, "fastlog_log_flush_seconds", "Time of one segment fdatasync.", all.Select(s => s.SegmentSync));
        Counter(text, "fastlog_log_segment_bytes_written_total", "Bytes written to segment files (whole 4 KiB blocks: a partial last block is written again with the next flush).", all.Sum(s => s.SegmentBytesWritten));
        Counter(text, "fastlog_log_corrupt_batches_total", "Stored batches found failing their CRC-32C or structure check (scrub, index rebuild); fetches reaching them get KAFKA_STORAGE_ERROR.", all.Sum(s => s.CorruptBatches));
        Counter(text, "fastlog_log_cleaner_runs_total", "Log-cleaner passes completed over compacted partitions (cleanup.policy=compact).", all.Sum(s => s.CleanerRuns));
        Counter(text, "fastlog_log_cleaner_bytes_cleaned_total", "Bytes of segments the log cleaner read and rewrote.", all.Sum(s => s.CleanerBytesCleaned));
        Counter(text, "fastlog_log_cleaner_bytes_freed_total", "Bytes the log cleaner removed from segments.", all.Sum(s => s.CleanerBytesFreed));
        Counter(text, "fastlog_log_cleaner_records_removed_total", "Records the log cleaner removed (superseded values, expired tombstones).", all.Sum(s => s.CleanerRecordsRemoved));
        Counter(text, "fastlog_log_cleaner_seconds_total", "Wall-clock time of log-cleaner passes (slices and the waits between them).", all.Sum(s => s.CleanerTime.TotalSeconds));
        CleanerMetrics.Render(text, cleaner);
        Counter(text, "fastlog_bytes_in_total", "Request bytes received.", all.Sum(s => s.BytesIn));
        Counter(text, "fastlog_bytes_out_total", "Response bytes sent.", all.Sum(s => s.BytesOut));
        Counter(text, "fastlog_connections_accepted_total", "Client connections accepted.", all.Sum(s => s.ConnectionsAccepted));
        Counter(text, "fastlog_connections_closed_total", "Client connections closed.", all.Sum(s => s.ConnectionsClosed));
        Header(text, "fastlog_connections_refused_total", "counter", "New connections closed at accept, by reason: max.connections, max.connections.per.ip, or the file-descriptor reserve (fastlog.fd.reserve).");
        foreach (var reason in Enum.GetValues<ConnectionRefusal>())
        {
            text.Append(CultureInfo.InvariantCulture, $"fastlog_connections_refused_total{{reason=\"{RefusalLabel(reason)}\"}} {all.Sum(s => s.ConnectionsRefused(reason))}\n");
        }

        Counter(text, "fastlog_connections_idle_closed_total", "Connections closed after connections.max.idle.ms without activity.", all.Sum(s => s.IdleConnectionsClosed));
        Counter(text, "fastlog_request_read_timeouts_total", "Connections closed because a request took longer than fastlog.request.read.timeout.ms to arrive.", all.Sum(s => s.RequestReadTimeouts));
        Counter(text, "fastlog_malformed_requests_total", "Connections closed for oversized, undecodable or unsupported requests.", all.Sum(s => s.MalformedRequests));
        // Loop utilisation of shard s over an interval = rate(busy) / (rate(busy) + rate(idle)).
        var loops = Enumerable.Range(0, _shardGroup.Count).Select(i => _shardGroup[i].LoopStats).ToArray();
        ShardCounter(text, "fastlog_shard_busy_seconds_total", "Time each shard's loop spent running work.", loops.Select(l => l.Busy.TotalSeconds));
        ShardCounter(text, "fastlog_shard_idle_seconds_total", "Time each shard's loop spent waiting (spinning or asleep).", loops.Select(l => l.Idle.TotalSeconds));
        ShardCounter(text, "fastlog_shard_loop_turns_total", "Turns of each shard's event loop.", loops.Select(l => (double)l.Turns));
        if (Cluster is not null)
        {
            ClusterMetrics.Render(text, Cluster.View, Cluster.Counters);
        }

        if (Coordinator is not null)
        {
            QuorumMetrics.Render(text, Coordinator);
        }

        if (LogDirectories is not null)
        {
            LogDirectoryMetrics.Render(text, LogDirectories);
        }

        foreach (var (name, help, value) in _gauges())
        {
            Header(text, name, "gauge", help);
            text.Append(CultureInfo.InvariantCulture, $"{name} {value}\n");
        }

        return text.ToString();
    }

    /// <summary>One histogram family merged over shards (no labels).</summary>
    private static void Histogram(StringBuilder text, string name, string help, IEnumerable<LatencyHistogram> perShard)
    {
        Header(text, name, "histogram", help);
        var shards = perShard.ToArray();
        HistogramSamples(text, name, "", MergedBuckets(shards), shards);
    }

    /// <summary>
    /// The cumulative <paramref name="buckets"/> (from <see cref="MergedBuckets"/>), sum and count of
    /// <paramref name="perShard"/>; <paramref name="labels"/> is "" or `key="value",`.
    /// </summary>
    private static void HistogramSamples(StringBuilder text, string name, string labels, long[] buckets, LatencyHistogram[] perShard)
    {
        long cumulative = 0;
        for (var bucket = 0; bucket < buckets.Length; bucket++)
        {
            cumulative += buckets[bucket];
            var le = bucket < LatencyHistogram.BucketSeconds.Length ? LatencyHistogram.BucketSeconds[bucket].ToString(CultureInfo.InvariantCulture) : "+Inf";
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels}le=\"{le}\"}} {cumulative}\n");
        }

        var bare = labels.TrimEnd(',');
        var suffix = bare.Length == 0 ? "" : $"{{{bare}}}";
        text.Append(CultureInfo.InvariantCulture, $"{name}_sum{suffix} {(double)perShard.Sum(h => h.TicksSum) / Stopwatch.Frequency}\n");
        text.Append(CultureInfo.InvariantCulture, $"{name}_count{suffix} {cumulative}\n");
    }

    /// <summary>
    /// Each bucket summed over shards, read once: the count is derived from them, so +Inf, _count
    /// and requests_total always agree (a recording in progress shows up in all or in none).
    /// </summary>
    private static long[] MergedBuckets(LatencyHistogram[] perShard) =>
        Enumerable.Range(0, LatencyHistogram.BucketSeconds.Length + 1).Select(b => perShard.Sum(h => h.Bucket(b))).ToArray();

    private static string RefusalLabel(ConnectionRefusal reason) => reason switch
    {
        ConnectionRefusal.MaxConnections => "max_connections",
        ConnectionRefusal.MaxConnectionsPerIp => "max_connections_per_ip",
        _ => "fd_reserve",
    };

    internal static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");

    private static void ShardCounter(StringBuilder text, string name, string help, IEnumerable<double> perShard)
    {
        Header(text, name, "counter", help);
        var shard = 0;
        foreach (var value in perShard)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{shard=\"{shard++}\"}} {value}\n");
        }
    }

    internal static void Counter(StringBuilder text, string name, string help, long value) => Counter(text, name, help, (double)value);

    internal static void Counter(StringBuilder text, string name, string help, double value)
    {
        Header(text, name, "counter", help);
        text.Append(CultureInfo.InvariantCulture, $"{name} {value}\n");
    }
}

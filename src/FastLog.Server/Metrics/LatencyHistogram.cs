using System.Diagnostics;

namespace FastLog.Server.Metrics;

/// <summary>
/// A Prometheus-style latency histogram (fixed buckets and a sum; the count is the buckets' total).
/// Concurrency protocol as in <see cref="ShardMetrics"/>: one shard thread records with plain
/// increments; the scraper reads with Volatile.Read and may see a recording half done (a bucket
/// counted, the sum not yet), which the next scrape corrects.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>Upper bounds (seconds) of the buckets; +Inf is implicit.</summary>
    public static readonly double[] BucketSeconds = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5];

    private readonly long[] _buckets = new long[BucketSeconds.Length + 1];
    private long _ticksSum;

    public long TicksSum => Volatile.Read(ref _ticksSum);

    public void Record(long elapsedTicks)
    {
        var seconds = (double)elapsedTicks / Stopwatch.Frequency;
        var bucket = 0;
        while (bucket < BucketSeconds.Length && seconds > BucketSeconds[bucket])
        {
            bucket++;
        }

        _buckets[bucket]++;
        _ticksSum += elapsedTicks;
    }

    /// <summary>Observations in bucket <paramref name="bucket"/> alone (not cumulative); the last one is +Inf.</summary>
    public long Bucket(int bucket) => Volatile.Read(ref _buckets[bucket]);
}

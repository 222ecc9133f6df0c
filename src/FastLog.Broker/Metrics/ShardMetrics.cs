namespace FastLog.Broker.Metrics;

/// <summary>
/// Counters of one shard. Concurrency protocol: only the owning shard thread writes (plain
/// single-writer increments, so no update is lost and no interlocked instruction is paid on the hot
/// path); the /metrics scraper reads from another thread with Volatile.Read. Aligned 64-bit reads
/// are atomic on 64-bit platforms, so a scrape sees each counter's old or new value, never a torn one.
/// </summary>
internal sealed class ShardMetrics
{
    /// <summary>Upper bounds (seconds) of the request latency histogram buckets; +Inf is implicit.</summary>
    public static readonly double[] LatencyBucketSeconds = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5];

    public const int ApiKeySlots = 128;

    private readonly long[] _requests = new long[ApiKeySlots];
    private readonly long[] _latencyTicksSum = new long[ApiKeySlots];
    private readonly long[] _latencyBuckets = new long[ApiKeySlots * (LatencyBucketSeconds.Length + 1)];
    private long _bytesIn;
    private long _bytesOut;
    private long _connectionsAccepted;
    private long _connectionsClosed;
    private long _malformedRequests;

    public void RecordRequest(int apiKey, long elapsedTicks)
    {
        var slot = (uint)apiKey < ApiKeySlots ? apiKey : ApiKeySlots - 1;
        _requests[slot]++;

        _latencyTicksSum[slot] += elapsedTicks;
        var seconds = (double)elapsedTicks / System.Diagnostics.Stopwatch.Frequency;
        var bucket = 0;
        while (bucket < LatencyBucketSeconds.Length && seconds > LatencyBucketSeconds[bucket])
        {
            bucket++;
        }

        _latencyBuckets[(slot * (LatencyBucketSeconds.Length + 1)) + bucket]++;
    }

    public void AddBytesIn(long count) => _bytesIn += count;

    public void AddBytesOut(long count) => _bytesOut += count;

    public void ConnectionAccepted() => _connectionsAccepted++;

    public void ConnectionClosed() => _connectionsClosed++;

    public void MalformedRequest() => _malformedRequests++;

    public long Requests(int apiKey) => Volatile.Read(ref _requests[apiKey]);

    public long LatencyTicksSum(int apiKey) => Volatile.Read(ref _latencyTicksSum[apiKey]);

    public long LatencyBucket(int apiKey, int bucket) => Volatile.Read(ref _latencyBuckets[(apiKey * (LatencyBucketSeconds.Length + 1)) + bucket]);

    public long BytesIn => Volatile.Read(ref _bytesIn);

    public long BytesOut => Volatile.Read(ref _bytesOut);

    public long ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    public long ConnectionsClosed => Volatile.Read(ref _connectionsClosed);

    public long MalformedRequests => Volatile.Read(ref _malformedRequests);
}

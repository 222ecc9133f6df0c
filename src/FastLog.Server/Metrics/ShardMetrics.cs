using System.Globalization;
using FastLog.Protocol;

namespace FastLog.Server.Metrics;

/// <summary>
/// Counters of one shard. Concurrency protocol: only the owning shard thread writes (plain
/// single-writer increments, so no update is lost and no interlocked instruction is paid on the hot
/// path); the /metrics scraper reads from another thread with Volatile.Read. Aligned 64-bit reads
/// are atomic on 64-bit platforms, so a scrape sees each counter's old or new value, never a torn one.
/// </summary>
internal sealed class ShardMetrics
{
    public const int ApiKeySlots = 128;

    private readonly LatencyHistogram[] _requestLatency = Enumerable.Range(0, ApiKeySlots).Select(_ => new LatencyHistogram()).ToArray();
    private long _bytesIn;
    private long _bytesOut;
    private long _connectionsAccepted;
    private long _connectionsClosed;
    private long _malformedRequests;
    private readonly long[] _connectionsRefused = new long[Enum.GetValues<ConnectionRefusal>().Length];
    private long _idleConnectionsClosed;
    private long _requestReadTimeouts;
    private long _segmentBytesWritten;
    private long _corruptBatches;
    private long _cleanerRuns;
    private long _cleanerBytesCleaned;
    private long _cleanerBytesFreed;
    private long _cleanerRecordsRemoved;
    private long _cleanerTicks;

    /// <summary>Storage write path, for the partitions this shard owns (see <see cref="FastLog.Storage.IStorageMetrics"/>).</summary>
    public LatencyHistogram AppendQueue { get; } = new();

    public LatencyHistogram AppendCommit { get; } = new();

    public LatencyHistogram SegmentWrite { get; } = new();

    public LatencyHistogram SegmentSync { get; } = new();

    public void RecordRequest(int apiKey, long elapsedTicks) =>
        _requestLatency[(uint)apiKey < ApiKeySlots ? apiKey : ApiKeySlots - 1].Record(elapsedTicks);

    /// <summary>
    /// The API a latency slot counts, for its label: Kafka's keys by name; the last slot gathers the
    /// keys past it, which are FastLog's own inter-broker APIs (an unknown key closes the connection
    /// before it is counted), today only FetchMetadataImage, observers' long polls of about a second.
    /// </summary>
    public static string ApiName(int slot) =>
        slot == ApiKeySlots - 1 ? "FastLogInternal" : Enum.IsDefined((ApiKey)slot) ? ((ApiKey)slot).ToString() : slot.ToString(CultureInfo.InvariantCulture);

    public void AddBytesIn(long count) => _bytesIn += count;

    public void AddBytesOut(long count) => _bytesOut += count;

    public void AddSegmentBytesWritten(long count) => _segmentBytesWritten += count;

    public void CorruptBatchFound() => _corruptBatches++;

    public void CleanerPassCompleted(long bytesCleaned, long bytesFreed, long recordsRemoved, TimeSpan elapsed)
    {
        _cleanerRuns++;
        _cleanerBytesCleaned += bytesCleaned;
        _cleanerBytesFreed += bytesFreed;
        _cleanerRecordsRemoved += recordsRemoved;
        _cleanerTicks += elapsed.Ticks;
    }

    public void ConnectionAccepted() => _connectionsAccepted++;

    public void ConnectionClosed() => _connectionsClosed++;

    public void MalformedRequest() => _malformedRequests++;

    public void ConnectionRefused(ConnectionRefusal reason) => _connectionsRefused[(int)reason]++;

    public void IdleConnectionClosed() => _idleConnectionsClosed++;

    public void RequestReadTimedOut() => _requestReadTimeouts++;

    public long ConnectionsRefused(ConnectionRefusal reason) => Volatile.Read(ref _connectionsRefused[(int)reason]);

    public long IdleConnectionsClosed => Volatile.Read(ref _idleConnectionsClosed);

    public long RequestReadTimeouts => Volatile.Read(ref _requestReadTimeouts);

    /// <summary>Requests of one API (their count is the latency histogram's).</summary>
    public LatencyHistogram RequestLatency(int apiKey) => _requestLatency[apiKey];

    public long BytesIn => Volatile.Read(ref _bytesIn);

    public long BytesOut => Volatile.Read(ref _bytesOut);

    public long SegmentBytesWritten => Volatile.Read(ref _segmentBytesWritten);

    public long CorruptBatches => Volatile.Read(ref _corruptBatches);

    public long CleanerRuns => Volatile.Read(ref _cleanerRuns);

    public long CleanerBytesCleaned => Volatile.Read(ref _cleanerBytesCleaned);

    public long CleanerBytesFreed => Volatile.Read(ref _cleanerBytesFreed);

    public long CleanerRecordsRemoved => Volatile.Read(ref _cleanerRecordsRemoved);

    public TimeSpan CleanerTime => TimeSpan.FromTicks(Volatile.Read(ref _cleanerTicks));

    public long ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    public long ConnectionsClosed => Volatile.Read(ref _connectionsClosed);

    public long MalformedRequests => Volatile.Read(ref _malformedRequests);
}

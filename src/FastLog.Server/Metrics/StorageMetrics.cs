using FastLog.Storage;

namespace FastLog.Server.Metrics;

/// <summary>
/// The partition logs' write-path timings (corrupt batches found at rest, log-cleaner passes) into the metrics of the shard that runs them (a log
/// reports only on its owner shard, so each shard's histograms keep their single writer).
/// </summary>
internal sealed class StorageMetrics(BrokerMetrics metrics) : IStorageMetrics
{
    public void AppendQueued(long ticks) => metrics.ForCurrentShard().AppendQueue.Record(ticks);

    public void AppendCommitted(long ticks) => metrics.ForCurrentShard().AppendCommit.Record(ticks);

    public void SegmentWritten(long ticks, long bytes)
    {
        var shard = metrics.ForCurrentShard();
        shard.SegmentWrite.Record(ticks);
        shard.AddSegmentBytesWritten(bytes);
    }

    public void SegmentSynced(long ticks) => metrics.ForCurrentShard().SegmentSync.Record(ticks);

    public void CorruptBatchFound() => metrics.ForCurrentShard().CorruptBatchFound();

    public void CleanerPassCompleted(long bytesCleaned, long bytesFreed, long recordsRemoved, TimeSpan elapsed) =>
        metrics.ForCurrentShard().CleanerPassCompleted(bytesCleaned, bytesFreed, recordsRemoved, elapsed);
}

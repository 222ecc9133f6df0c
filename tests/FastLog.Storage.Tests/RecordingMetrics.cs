namespace FastLog.Storage.Tests;

/// <summary>Collects what a log reports (on the shard thread; read after the work completed).</summary>
internal sealed class RecordingMetrics : IStorageMetrics
{
    public List<long> Queued { get; } = [];

    public List<long> Committed { get; } = [];

    public List<(long Ticks, long Bytes)> Writes { get; } = [];

    public List<long> Syncs { get; } = [];

    public int CorruptBatches { get; private set; }

    public void AppendQueued(long ticks) => Queued.Add(ticks);

    public void AppendCommitted(long ticks) => Committed.Add(ticks);

    public void SegmentWritten(long ticks, long bytes) => Writes.Add((ticks, bytes));

    public void SegmentSynced(long ticks) => Syncs.Add(ticks);

    public void CorruptBatchFound() => CorruptBatches++;
}

using FastLog.Records;

namespace FastLog.Storage.Producers;

/// <summary>
/// Idempotent-producer state of one partition, as Kafka keeps it: per producer id, the current
/// epoch, the next expected sequence and the last <see cref="RememberedBatches"/> batches (their
/// sequence ranges and offsets) so a retried batch is recognised and answered with its original
/// offsets instead of being written twice.
///
/// Kept by the <see cref="PartitionLog"/> it describes (Kafka's ProducerStateManager beside its
/// log): rebuilt when the log opens (snapshot + replay of later batches), snapshotted when it
/// closes cleanly (<see cref="ProducerStateSnapshot"/>). The produce path checks and completes
/// entries. Owned by the partition's shard (no synchronization). Appends are queued in order but
/// complete later, so <see cref="Check"/> reserves the sequence range at once (a producer pipelines
/// up to 5 batches) and <see cref="Complete"/> fills in the offsets; <see cref="Abandon"/> takes back
/// a reservation whose append failed so the producer's retry is accepted. A retry that arrives while
/// its original is still in flight waits for <see cref="BatchEntry.Settled"/> (Kafka answers it once
/// the original's outcome is known, because its appends are serialized under the log's lock).
/// </summary>
public sealed class ProducerStateTable
{
    /// <summary>Kafka remembers the last 5 batches: max.in.flight.requests.per.connection for idempotence is at most 5.</summary>
    public const int RememberedBatches = 5;

    private readonly Dictionary<long, ProducerEntry> _producers = [];

    public int Count => _producers.Count;

    /// <summary>
    /// A remembered batch: in flight (BaseOffset -1) until <see cref="Complete"/> (appended) or
    /// <see cref="Abandon"/> (failed, taken back). Settled once, on the owner shard.
    /// </summary>
    public sealed class BatchEntry(int firstSequence, int lastSequence)
    {
        private static readonly Task<bool> AppendedTask = Task.FromResult(true);
        private static readonly Task<bool> FailedTask = Task.FromResult(false);

        // Created only when a retry waits for this batch (rare); its continuations are posted back
        // to the waiter's shard rather than run inside Complete/Abandon, in the middle of the original's completion.
        private TaskCompletionSource<bool>? _settled;

        public int FirstSequence { get; } = firstSequence;

        public int LastSequence { get; } = lastSequence;

        public long BaseOffset { get; private set; } = -1;

        public long LastOffset { get; private set; } = -1;

        /// <summary>The append failed and the reservation was taken back: these records are not in the log.</summary>
        public bool Failed { get; private set; }

        public bool InFlight => BaseOffset < 0 && !Failed;

        /// <summary>Completes when the append is settled: true once appended (offsets known), false if it failed.</summary>
        public Task<bool> Settled => BaseOffset >= 0 ? AppendedTask : Failed ? FailedTask : (_settled ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        internal void SetAppended(long baseOffset, long lastOffset)
        {
            BaseOffset = baseOffset;
            LastOffset = lastOffset;
            _settled?.TrySetResult(true);
        }

        internal void SetFailed()
        {
            Failed = true;
            _settled?.TrySetResult(false);
        }
    }

    internal sealed class ProducerEntry(short epoch)
    {
        public short Epoch { get; set; } = epoch;

        public int NextSequence { get; set; }

        public Queue<BatchEntry> Batches { get; } = new();
    }

    /// <summary>
    /// Checks a batch from <paramref name="producerId"/> and, when accepted, reserves its sequences.
    /// <paramref name="entry"/> is the reservation (accepted) or the original batch (duplicate; it
    /// may still be in flight: wait for <see cref="BatchEntry.Settled"/>).
    /// </summary>
    public ProducerBatchCheck Check(long producerId, short epoch, int firstSequence, int recordCount, out BatchEntry? entry)
    {
        entry = null;
        var lastSequence = LastSequenceOf(firstSequence, recordCount);
        if (!_producers.TryGetValue(producerId, out var producer))
        {
            if (firstSequence != 0)
            {
                return ProducerBatchCheck.UnknownProducer;
            }

            producer = new ProducerEntry(epoch);
            _producers[producerId] = producer;
        }
        else if (epoch < producer.Epoch)
        {
            return ProducerBatchCheck.StaleEpoch;
        }
        else if (epoch > producer.Epoch)
        {
            // A bumped epoch starts its sequences again at 0.
            if (firstSequence != 0)
            {
                return ProducerBatchCheck.OutOfOrder;
            }

            producer.Epoch = epoch;
            producer.Batches.Clear();
        }
        else
        {
            foreach (var remembered in producer.Batches)
            {
                if (remembered.FirstSequence == firstSequence && remembered.LastSequence == lastSequence)
                {
                    entry = remembered;
                    return remembered.Failed ? ProducerBatchCheck.OutOfOrder : ProducerBatchCheck.Duplicate;
                }
            }

            if (firstSequence != producer.NextSequence)
            {
                return IsOlderThanRemembered(producer, firstSequence, lastSequence) ? ProducerBatchCheck.DuplicateNotRemembered : ProducerBatchCheck.OutOfOrder;
            }
        }

        entry = new BatchEntry(firstSequence, lastSequence);
        Remember(producer, entry);
        return ProducerBatchCheck.Accept;
    }

    /// <summary>Records where an accepted batch landed (it is in the log: it stays a duplicate for its retries, whatever happens next).</summary>
    public static void Complete(BatchEntry entry, long baseOffset, long lastOffset) => entry.SetAppended(baseOffset, lastOffset);

    /// <summary>
    /// Marks a batch whose append failed (nothing of it is in the log) and wakes the retries waiting
    /// for it. Failed batches at the producer's end give their sequences back (the next expected
    /// sequence returns to the first of them), so their retries are accepted as fresh batches. A
    /// failed batch followed by one still reserved or appended stays remembered as failed: that later
    /// batch was accepted after it, so its retry is refused as out of order (Kafka, which checks at
    /// append time, would have refused the later batch instead).
    /// </summary>
    public void Abandon(long producerId, BatchEntry entry)
    {
        entry.SetFailed();
        if (!_producers.TryGetValue(producerId, out var producer) || !producer.Batches.Contains(entry))
        {
            // Forgotten already: the producer's epoch was bumped (or the batch evicted) meanwhile.
            return;
        }

        var kept = producer.Batches.ToList();
        while (kept.Count > 0 && kept[^1].Failed)
        {
            producer.NextSequence = kept[^1].FirstSequence;
            kept.RemoveAt(kept.Count - 1);
        }

        producer.Batches.Clear();
        foreach (var batch in kept)
        {
            producer.Batches.Enqueue(batch);
        }
    }

    /// <summary>Rebuilds state from a batch already in the log (recovery); batches without a producer id are not tracked.</summary>
    internal void Replay(RecordBatchHeader batch)
    {
        if (batch.ProducerId >= 0)
        {
            Replay(batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, LastSequenceOf(batch.BaseSequence, batch.RecordCount), batch.BaseOffset, batch.LastOffset);
        }
    }

    /// <summary>Rebuilds state from a batch already in the log (recovery): the batch is taken as accepted.</summary>
    public void Replay(long producerId, short epoch, int firstSequence, int lastSequence, long baseOffset, long lastOffset)
    {
        if (!_producers.TryGetValue(producerId, out var producer) || epoch > producer.Epoch)
        {
            producer = new ProducerEntry(epoch);
            _producers[producerId] = producer;
        }
        else if (epoch < producer.Epoch)
        {
            return;
        }

        var entry = new BatchEntry(firstSequence, lastSequence);
        Complete(entry, baseOffset, lastOffset);
        Remember(producer, entry);
    }

    /// <summary>
    /// Whether the batch lies wholly before the oldest remembered batch of the current epoch (or
    /// before the next expected sequence when none is remembered): sequences within an epoch are
    /// accepted only in order, so those records were appended once already, and the batch is a retry
    /// of one evicted from memory. Distances are taken modulo the sequence space (sequences wrap), up
    /// to half of it: anything further is not a past batch but a gap.
    /// </summary>
    private static bool IsOlderThanRemembered(ProducerEntry producer, int firstSequence, int lastSequence)
    {
        var oldest = producer.Batches.Count > 0 ? producer.Batches.Peek().FirstSequence : producer.NextSequence;
        var firstBehind = SequenceDistance(firstSequence, oldest);
        var lastBehind = SequenceDistance(lastSequence, oldest);
        return firstSequence >= 0 && lastBehind > 0 && firstBehind >= lastBehind && firstBehind <= int.MaxValue / 2;
    }

    /// <summary>How far <paramref name="to"/> is ahead of <paramref name="from"/> in the wrapping sequence space.</summary>
    private static long SequenceDistance(int from, int to) => (((long)to - from) % ((long)int.MaxValue + 1) + int.MaxValue + 1) % ((long)int.MaxValue + 1);

    private static void Remember(ProducerEntry producer, BatchEntry entry)
    {
        producer.NextSequence = NextSequenceAfter(entry.LastSequence, 1);
        producer.Batches.Enqueue(entry);
        if (producer.Batches.Count > RememberedBatches)
        {
            producer.Batches.Dequeue();
        }
    }

    /// <summary>The sequence the next batch of <paramref name="producerId"/> must start at in <paramref name="epoch"/>; null when the producer is unknown or at another epoch.</summary>
    public int? ExpectedSequence(long producerId, short epoch) =>
        _producers.TryGetValue(producerId, out var producer) && producer.Epoch == epoch ? producer.NextSequence : null;

    /// <summary>
    /// What is known of <paramref name="producerId"/> (epoch, next expected sequence, the remembered
    /// batches' sequences and offsets), for the message of a refused batch: a sequence refusal makes
    /// librdkafka bump its epoch and re-send, so it must be explainable from the broker's log alone.
    /// </summary>
    public string Describe(long producerId)
    {
        if (!_producers.TryGetValue(producerId, out var producer))
        {
            return $"no state for producer {producerId}";
        }

        var batches = producer.Batches.Select(b => b.InFlight ? $"{b.FirstSequence}..{b.LastSequence} in flight"
            : b.Failed ? $"{b.FirstSequence}..{b.LastSequence} failed"
            : $"{b.FirstSequence}..{b.LastSequence} at {b.BaseOffset}");
        return $"producer {producerId} epoch {producer.Epoch}, next sequence {producer.NextSequence}, remembered [{string.Join(", ", batches)}]";
    }

    /// <summary>The completed batches of every producer, for a snapshot (in-flight reservations are left out).</summary>
    public List<ProducerSnapshot> Snapshot() =>
        _producers.Select(p => new ProducerSnapshot(p.Key, p.Value.Epoch,
                p.Value.Batches.Where(b => b.BaseOffset >= 0).Select(b => new BatchSnapshot(b.FirstSequence, b.LastSequence, b.BaseOffset, b.LastOffset)).ToList()))
            .Where(p => p.Batches.Count > 0)
            .ToList();

    /// <summary>Forgets every producer (the log they were rebuilt from was truncated: they are rebuilt again).</summary>
    public void Clear() => _producers.Clear();

    /// <summary>Loads a snapshot taken by <see cref="Snapshot"/> (before any replay of later batches).</summary>
    public void Restore(IEnumerable<ProducerSnapshot> producers)
    {
        foreach (var producer in producers)
        {
            foreach (var batch in producer.Batches)
            {
                Replay(producer.ProducerId, producer.Epoch, batch.FirstSequence, batch.LastSequence, batch.BaseOffset, batch.LastOffset);
            }
        }
    }

    public sealed record BatchSnapshot(int FirstSequence, int LastSequence, long BaseOffset, long LastOffset);

    public sealed record ProducerSnapshot(long ProducerId, short Epoch, List<BatchSnapshot> Batches);

    /// <summary>The sequence of the last record of a batch (sequences wrap from int.MaxValue to 0, as in Kafka).</summary>
    public static int LastSequenceOf(int firstSequence, int recordCount) => NextSequenceAfter(firstSequence, recordCount - 1);

    /// <summary>Sequences wrap from int.MaxValue to 0, as in Kafka.</summary>
    private static int NextSequenceAfter(int sequence, int increment) =>
        (int)(((long)sequence + increment) % ((long)int.MaxValue + 1));
}

namespace FastLog.Broker.Partitions;

/// <summary>
/// Idempotent-producer state of one partition, as Kafka keeps it: per producer id, the current
/// epoch, the next expected sequence and the last <see cref="RememberedBatches"/> batches (their
/// sequence ranges and offsets) so a retried batch is recognised and answered with its original
/// offsets instead of being written twice.
///
/// Owned by the partition's shard (no synchronization). Appends are queued in order but complete
/// later, so <see cref="Check"/> reserves the sequence range at once (a producer pipelines up to 5
/// batches) and <see cref="Complete"/> fills in the offsets; <see cref="Abandon"/> takes back a
/// reservation whose append failed so the producer's retry is accepted.
/// </summary>
public sealed class ProducerStateTable
{
    /// <summary>Kafka remembers the last 5 batches: max.in.flight.requests.per.connection for idempotence is at most 5.</summary>
    public const int RememberedBatches = 5;

    private readonly Dictionary<long, ProducerEntry> _producers = [];

    public int Count => _producers.Count;

    /// <summary>A remembered batch; BaseOffset is -1 while its append is in flight.</summary>
    public sealed class BatchEntry(int firstSequence, int lastSequence)
    {
        public int FirstSequence { get; } = firstSequence;

        public int LastSequence { get; } = lastSequence;

        public long BaseOffset { get; set; } = -1;

        public long LastOffset { get; set; } = -1;
    }

    internal sealed class ProducerEntry(short epoch)
    {
        public short Epoch { get; set; } = epoch;

        public int NextSequence { get; set; }

        public Queue<BatchEntry> Batches { get; } = new();
    }

    /// <summary>
    /// Checks a batch from <paramref name="producerId"/> and, when accepted, reserves its sequences.
    /// <paramref name="entry"/> is the reservation (accepted) or the original batch (duplicate).
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
                    return ProducerBatchCheck.Duplicate;
                }
            }

            if (firstSequence != producer.NextSequence)
            {
                return ProducerBatchCheck.OutOfOrder;
            }
        }

        entry = new BatchEntry(firstSequence, lastSequence);
        Remember(producer, entry);
        return ProducerBatchCheck.Accept;
    }

    /// <summary>Records where an accepted batch landed.</summary>
    public static void Complete(BatchEntry entry, long baseOffset, long lastOffset)
    {
        entry.BaseOffset = baseOffset;
        entry.LastOffset = lastOffset;
    }

    /// <summary>Takes back the reservation of a batch whose append failed, when it is still the producer's latest.</summary>
    public void Abandon(long producerId, BatchEntry entry)
    {
        if (_producers.TryGetValue(producerId, out var producer) && producer.Batches.Count > 0 && ReferenceEquals(producer.Batches.Last(), entry))
        {
            producer.NextSequence = entry.FirstSequence;
            var kept = producer.Batches.Where(b => !ReferenceEquals(b, entry)).ToList();
            producer.Batches.Clear();
            foreach (var b in kept)
            {
                producer.Batches.Enqueue(b);
            }
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

    private static void Remember(ProducerEntry producer, BatchEntry entry)
    {
        producer.NextSequence = NextSequenceAfter(entry.LastSequence, 1);
        producer.Batches.Enqueue(entry);
        if (producer.Batches.Count > RememberedBatches)
        {
            producer.Batches.Dequeue();
        }
    }

    /// <summary>The completed batches of every producer, for a snapshot (in-flight reservations are left out).</summary>
    public List<ProducerSnapshot> Snapshot() =>
        _producers.Select(p => new ProducerSnapshot(p.Key, p.Value.Epoch,
                p.Value.Batches.Where(b => b.BaseOffset >= 0).Select(b => new BatchSnapshot(b.FirstSequence, b.LastSequence, b.BaseOffset, b.LastOffset)).ToList()))
            .Where(p => p.Batches.Count > 0)
            .ToList();

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

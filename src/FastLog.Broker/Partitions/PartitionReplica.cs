using FastLog.Broker.Configuration;
using FastLog.Protocol;
using FastLog.Records;
using FastLog.Storage;

namespace FastLog.Broker.Partitions;

/// <summary>
/// A partition as its owner shard serves it: the log, the idempotent-producer state and the
/// signal that wakes fetch long-polls when records arrive. Every member runs on the owner shard
/// (reached from other shards through Shard.SubmitTo), so nothing here is synchronized.
/// </summary>
public sealed class PartitionReplica
{
    private readonly AckDurability _ackDurability;
    private readonly List<FetchWaiter> _waiters = [];

    public PartitionReplica(TopicPartition id, PartitionLog log, AckDurability ackDurability)
    {
        Id = id;
        Log = log;
        _ackDurability = ackDurability;
    }

    public TopicPartition Id { get; }

    public PartitionLog Log { get; }

    public ProducerStateTable Producers { get; } = new();

    /// <summary>The outcome of appending one partition's records from a Produce request.</summary>
    public readonly record struct AppendOutcome(ErrorCode Error, long BaseOffset = -1, long LogAppendTime = -1, long LogStartOffset = -1, string? Message = null);

    /// <summary>
    /// Appends the producer's records (exactly one RecordBatch, as Kafka requires from Produce v3 on),
    /// applying the idempotent-producer checks. <paramref name="acks"/> -1 completes once the batch
    /// is durable (fdatasync); 1 completes when it is written, or durable in "durable" ack mode.
    /// </summary>
    public async ValueTask<AppendOutcome> AppendAsync(ReadOnlyMemory<byte> records, short acks)
    {
        // Only the framing is looked at here (the producer fields are needed before appending);
        // the log validates magic, CRC-32C and the record rules once, as it appends.
        if (records.Length < RecordBatchHeader.Size || records.Span[RecordBatchHeader.MagicOffset] != RecordBatchHeader.CurrentMagic)
        {
            return new AppendOutcome(ErrorCode.CorruptMessage, Message: "Records are not a v2 RecordBatch.");
        }

        if (RecordBatchHeader.ReadTotalSize(records.Span) != records.Length)
        {
            return new AppendOutcome(ErrorCode.InvalidRecord, Message: "Produce requests must carry exactly one record batch per partition.");
        }

        var header = RecordBatchHeader.Read(records.Span);
        ProducerStateTable.BatchEntry? reservation = null;
        if (header.ProducerId >= 0)
        {
            switch (Producers.Check(header.ProducerId, header.ProducerEpoch, header.BaseSequence, header.RecordCount, out reservation))
            {
                case ProducerBatchCheck.Duplicate when reservation!.BaseOffset >= 0:
                    return new AppendOutcome(ErrorCode.None, reservation.BaseOffset, LogStartOffset: Log.LogStartOffset);
                case ProducerBatchCheck.Duplicate:
                    // The original is still being written: the producer retries and then gets its offsets.
                    return new AppendOutcome(ErrorCode.ConcurrentTransactions, Message: "The original of this retried batch is still being written.");
                case ProducerBatchCheck.OutOfOrder:
                    return new AppendOutcome(ErrorCode.OutOfOrderSequenceNumber, Message: $"Batch sequence {header.BaseSequence} is out of order for producer {header.ProducerId}.");
                case ProducerBatchCheck.UnknownProducer:
                    return new AppendOutcome(ErrorCode.UnknownProducerId, Message: $"No state for producer {header.ProducerId} and its sequence {header.BaseSequence} is not 0.");
                case ProducerBatchCheck.StaleEpoch:
                    return new AppendOutcome(ErrorCode.InvalidProducerEpoch, Message: $"Producer epoch {header.ProducerEpoch} is older than the current one.");
            }
        }

        AppendResult result;
        try
        {
            result = await Log.AppendAsync(records.Span);
            if (acks == -1 || _ackDurability == AckDurability.Durable)
            {
                await Log.FlushAsync();
            }
        }
        catch (Exception e)
        {
            if (reservation is not null)
            {
                Producers.Abandon(header.ProducerId, reservation);
            }

            return new AppendOutcome(StorageErrors.ToErrorCode(e), Message: e.Message);
        }

        if (reservation is not null)
        {
            ProducerStateTable.Complete(reservation, result.BaseOffset, result.LastOffset);
        }

        SignalAppended();
        return new AppendOutcome(ErrorCode.None, result.BaseOffset, result.LogAppendTime, result.LogStartOffset);
    }

    /// <summary>
    /// Rebuilds the idempotent-producer state at open: the snapshot (if any), then every batch after
    /// it, or without a snapshot the active segment's batches (older producers are then unknown and
    /// get UNKNOWN_PRODUCER_ID, which makes the client bump its epoch). Runs before the partition serves.
    /// </summary>
    public async ValueTask RestoreProducerStateAsync()
    {
        var snapshot = ProducerStateSnapshot.Load(Log.Directory);
        if (snapshot is not null)
        {
            Producers.Restore(snapshot.Producers);
        }

        var offset = Math.Max(snapshot?.EndOffset ?? Log.ActiveSegmentBaseOffset, Log.LogStartOffset);
        while (offset < Log.HighWatermark)
        {
            using var read = await Log.ReadAsync(offset, ReplayChunkBytes);
            if (read.Length == 0)
            {
                break;
            }

            var bytes = read.ToArray().AsSpan();
            while (bytes.Length >= RecordBatchHeader.Size)
            {
                var header = RecordBatchHeader.Read(bytes);
                if (header.ProducerId >= 0)
                {
                    Producers.Replay(header.ProducerId, header.ProducerEpoch, header.BaseSequence,
                        ProducerStateTable.LastSequenceOf(header.BaseSequence, header.RecordCount), header.BaseOffset, header.LastOffset);
                }

                offset = header.LastOffset + 1;
                bytes = bytes[header.TotalSize..];
            }
        }
    }

    /// <summary>Writes the producer state snapshot (at clean close). Blocking file I/O: call off the shard.</summary>
    public void SaveProducerState(long endOffset) => new ProducerStateSnapshot(endOffset, Producers.Snapshot()).Save(Log.Directory);

    private const int ReplayChunkBytes = 1 << 20;

    /// <summary>Wakes <paramref name="waiter"/> at the next append to this partition (fetch long-polls).</summary>
    public void AddWaiter(FetchWaiter waiter) => _waiters.Add(waiter);

    public void RemoveWaiter(FetchWaiter waiter) => _waiters.Remove(waiter);

    private void SignalAppended()
    {
        if (_waiters.Count == 0)
        {
            return;
        }

        // Waking may run a waiter's continuation, which removes itself from the list: iterate a copy.
        foreach (var waiter in _waiters.ToArray())
        {
            waiter.Wake();
        }
    }
}

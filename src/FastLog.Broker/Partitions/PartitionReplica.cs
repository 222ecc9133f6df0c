using System.Diagnostics;
using FastLog.Broker.Configuration;
using FastLog.Core;
using FastLog.Protocol;
using FastLog.Records;
using FastLog.Storage;
using FastLog.Storage.Producers;

namespace FastLog.Broker.Partitions;

/// <summary>
/// A partition as its owner shard serves it: the log (which keeps the idempotent-producer state),
/// the Kafka-facing produce checks against that state (their verdicts as Kafka error codes) and the
/// signal that wakes fetch long-polls when records arrive. Every member runs on the owner shard
/// (reached from other shards through Shard.SubmitTo), so nothing here is synchronized.
/// </summary>
public sealed partial class PartitionReplica
{
    private readonly AckDurability _ackDurability;
    private readonly List<FetchWaiter> _waiters = [];

    public PartitionReplica(TopicPartition id, PartitionLog log, LogDirectory directory, AckDurability ackDurability)
    {
        Id = id;
        Log = log;
        Directory = directory;
        _ackDurability = ackDurability;
    }

    public TopicPartition Id { get; }

    public PartitionLog Log { get; }

    /// <summary>The log.dirs entry holding the log; while it is offline the partition is too.</summary>
    public LogDirectory Directory { get; }

    /// <summary>Why the partition is offline (its directory failed: KAFKA_STORAGE_ERROR for produce and fetch); null while it serves.</summary>
    public string? OfflineReason => Directory.Failure is { } failure ? $"Log directory {Directory.Path} is offline: {failure}" : null;

    /// <summary>
    /// In a cluster, this broker's leader epoch for the partition in the committed metadata image,
    /// stamped on every appended batch and recorded in the log's leader-epoch cache (what replicas
    /// will truncate by); -1 on a single node (batches keep the producer's -1). Owner shard only.
    /// </summary>
    public int LeaderEpoch { get; set; } = -1;

    /// <summary>Where batches refused before their sequence check are noted (the broker's <see cref="PartitionManager.RefusedBatches"/>); null in tests of a lone replica.</summary>
    public RefusedProducerBatches? RefusedBatches { get; init; }

    /// <summary>The outcome of appending one partition's records from a Produce request.</summary>
    public readonly record struct AppendOutcome(ErrorCode Error, long BaseOffset = -1, long LogAppendTime = -1, long LogStartOffset = -1, string? Message = null);

    /// <summary>
    /// Appends the producer's records (exactly one RecordBatch, as Kafka requires from Produce v3 on),
    /// applying the idempotent-producer checks. <paramref name="acks"/> -1 completes once the batch
    /// is durable (fdatasync) and, in a cluster, below the high watermark (held by the whole ISR); 1 completes when it is written, or durable in "durable" ack mode. A
    /// retry whose original is still being written waits for it, at most <paramref name="timeout"/>
    /// (the request's timeout_ms): appended, the retry is answered with the original's offsets;
    /// failed, the retry is checked again as a fresh batch. A batch in another codec than the topic's
    /// compression.type is re-encoded first (PartitionReplica.Compression.cs).
    /// </summary>
    public ValueTask<AppendOutcome> AppendAsync(ReadOnlyMemory<byte> records, short acks, TimeSpan timeout)
    {
        if (OfflineReason is { } offline)
        {
            return ValueTask.FromResult(new AppendOutcome(ErrorCode.KafkaStorageError, Message: offline));
        }

        // Only the framing is looked at here (the producer fields are needed before appending);
        // the log validates magic, CRC-32C and the record rules once, as it appends.
        if (records.Length < RecordBatchHeader.Size || records.Span[RecordBatchHeader.MagicOffset] != RecordBatchHeader.CurrentMagic)
        {
            return ValueTask.FromResult(new AppendOutcome(ErrorCode.CorruptMessage, Message: "Records are not a v2 RecordBatch."));
        }

        if (RecordBatchHeader.ReadTotalSize(records.Span) != records.Length)
        {
            return ValueTask.FromResult(new AppendOutcome(ErrorCode.InvalidRecord, Message: "Produce requests must carry exactly one record batch per partition."));
        }

        var header = RecordBatchHeader.Read(records.Span);
        var target = RecompressionTarget(header);
        return target is null && _turns.IsCompleted && _leaderReady.IsCompleted
            ? AppendProducerCheckedAsync(records, header, acks, timeout)
            : AppendInTurnAsync(records, header, target, acks, timeout);
    }

    /// <summary>The producer checks, then the append (<see cref="AppendAsync"/> after the framing checks; a recompressed batch keeps <paramref name="header"/>'s producer fields).</summary>
    private async ValueTask<AppendOutcome> AppendProducerCheckedAsync(ReadOnlyMemory<byte> records, RecordBatchHeader header, short acks, TimeSpan timeout)
    {
        if (_assignment is not null && !IsLeader)
        {
            // The request was routed by an older image than this (owner) shard now holds: a follower never takes produce.
            return new AppendOutcome(ErrorCode.NotLeaderOrFollower, Message: $"This broker no longer leads {Id}.");
        }

        if (header.ProducerId < 0)
        {
            return await AppendCheckedAsync(records, acks, timeout, header.ProducerId, reservation: null);
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(Math.Max(0, timeout.TotalSeconds) * Stopwatch.Frequency);
        while (true)
        {
            switch (Log.Producers.Check(header.ProducerId, header.ProducerEpoch, header.BaseSequence, header.RecordCount, out var entry))
            {
                case ProducerBatchCheck.Accept:
                    return await AppendCheckedAsync(records, acks, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline), header.ProducerId, entry);
                case ProducerBatchCheck.Duplicate when entry!.InFlight:
                    if (await WaitSettledAsync(entry, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline)) is not { } appended)
                    {
                        // Retriable: the client retries with the same sequence and then finds the outcome.
                        return new AppendOutcome(ErrorCode.RequestTimedOut, Message: "The original of this retried batch was still being written when the request timed out.");
                    }

                    // Appended: answer as a duplicate. Failed (nothing of it stored): check again, as a fresh batch.
                    if (appended)
                    {
                        return await AnswerDuplicateAsync(entry, acks, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline));
                    }

                    break;
                case ProducerBatchCheck.Duplicate:
                    return await AnswerDuplicateAsync(entry!, acks, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline));
                case ProducerBatchCheck.DuplicateNotRemembered:
                    return new AppendOutcome(ErrorCode.DuplicateSequenceNumber, LogStartOffset: Log.LogStartOffset,
                        Message: $"Batch sequences {header.BaseSequence}.. were appended before the batches producer {header.ProducerId} has remembered.");
                case ProducerBatchCheck.OutOfOrder when GapLeftByRefusedBatch(header) is { } refusedWith:
                    return new AppendOutcome(refusedWith, Message: $"Batch sequence {header.BaseSequence} follows sequence {Log.Producers.ExpectedSequence(header.ProducerId, header.ProducerEpoch)}, which was refused here with {refusedWith}: send them again in order.");
                case ProducerBatchCheck.OutOfOrder:
                    return new AppendOutcome(ErrorCode.OutOfOrderSequenceNumber, Message: $"Batch sequences {header.BaseSequence}..{ProducerStateTable.LastSequenceOf(header.BaseSequence, header.RecordCount)} (producer epoch {header.ProducerEpoch}) are out of order: {SequenceContext(header)}.");
                case ProducerBatchCheck.UnknownProducer:
                    return new AppendOutcome(ErrorCode.UnknownProducerId, Message: $"No state for producer {header.ProducerId} and its sequence {header.BaseSequence} is not 0 ({SequenceContext(header)}).");
                case ProducerBatchCheck.StaleEpoch:
                    return new AppendOutcome(ErrorCode.InvalidProducerEpoch, Message: $"Producer epoch {header.ProducerEpoch} is older than the current one: {SequenceContext(header)}.");
            }
        }
    }

    /// <summary>The retriable error of the refused batch a gap before <paramref name="header"/>'s sequence is waiting for (see <see cref="RefusedProducerBatches"/>); null for any other gap.</summary>
    private ErrorCode? GapLeftByRefusedBatch(RecordBatchHeader header) =>
        Log.Producers.ExpectedSequence(header.ProducerId, header.ProducerEpoch) is { } expected && expected != header.BaseSequence
            ? RefusedBatches?.ErrorBehindGap(Id, header.ProducerId, header.ProducerEpoch, expected)
            : null;

    /// <summary>The producer's state here and where the log and leadership stand, for a refused batch's message.</summary>
    private string SequenceContext(RecordBatchHeader header) =>
        $"{Log.Producers.Describe(header.ProducerId)}; log end {Log.LogEndOffset}, leader epoch {LeaderEpoch}";

    /// <summary>Appends a batch that passed the producer checks (<paramref name="reservation"/>: its sequences, for an idempotent producer).</summary>
    private async ValueTask<AppendOutcome> AppendCheckedAsync(ReadOnlyMemory<byte> records, short acks, TimeSpan timeout, long producerId, ProducerStateTable.BatchEntry? reservation)
    {
        AppendResult result;
        try
        {
            result = await Log.AppendAsync(records.Span, LeaderEpoch);
        }
        catch (Exception e)
        {
            if (reservation is not null)
            {
                Log.Producers.Abandon(producerId, reservation);
            }

            return new AppendOutcome(StorageErrors.ToErrorCode(e), Message: e.Message);
        }

        // In the log from here on, whatever the flush does: a retry must find it, never append it again.
        if (reservation is not null)
        {
            ProducerStateTable.Complete(reservation, result.BaseOffset, result.LastOffset);
        }

        SignalAppended();
        UpdateHighWatermark();
        if (NeedsFlush(acks, result.LastOffset) && await FlushAsync() is { } failure)
        {
            return failure;
        }

        if (acks == -1 && await WaitForReplicasAsync(result.LastOffset, timeout) is var replicated and not ErrorCode.None)
        {
            return new AppendOutcome(replicated, Message: $"The batch at offset {result.BaseOffset} is in the leader's log but was not acknowledged by the ISR: {replicated}.");
        }

        return new AppendOutcome(ErrorCode.None, result.BaseOffset, result.LogAppendTime, result.LogStartOffset);
    }

    /// <summary>
    /// Kafka's answer to a retried batch already in the log: its original offsets (log append time
    /// unknown, -1), once it is as durable as this request's acks demand (the original may have come with acks=1).
    /// </summary>
    private async ValueTask<AppendOutcome> AnswerDuplicateAsync(ProducerStateTable.BatchEntry original, short acks, TimeSpan timeout)
    {
        if (NeedsFlush(acks, original.LastOffset) && await FlushAsync() is { } failure)
        {
            return failure;
        }

        if (acks == -1 && await WaitForReplicasAsync(original.LastOffset, timeout) is var replicated and not ErrorCode.None)
        {
            return new AppendOutcome(replicated, Message: $"The retried batch at offset {original.BaseOffset} was not acknowledged by the ISR: {replicated}.");
        }

        return new AppendOutcome(ErrorCode.None, original.BaseOffset, LogStartOffset: Log.LogStartOffset);
    }

    private bool NeedsFlush(short acks, long lastOffset) =>
        (acks == -1 || _ackDurability == AckDurability.Durable) && Log.DurableEndOffset <= lastOffset;

    /// <summary>fdatasync (shared with concurrent callers); null when it succeeded, else the error to answer with.</summary>
    private async ValueTask<AppendOutcome?> FlushAsync()
    {
        try
        {
            await Log.FlushAsync();
            return null;
        }
        catch (Exception e)
        {
            return new AppendOutcome(StorageErrors.ToErrorCode(e), Message: e.Message);
        }
    }

    /// <summary>
    /// Waits on this (the owner) shard for the in-flight <paramref name="original"/> to settle, at most
    /// <paramref name="timeout"/>: true once appended, false if its append failed, null on timeout.
    /// </summary>
    private static async ValueTask<bool?> WaitSettledAsync(ProducerStateTable.BatchEntry original, TimeSpan timeout)
    {
        var settled = original.Settled;
        if (!settled.IsCompleted)
        {
            var shard = Shard.Current ?? throw new InvalidOperationException("A partition is served on its owner shard.");
            var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var timer = shard.ScheduleTimer(timeout, static s => ((TaskCompletionSource)s!).TrySetResult(), expired);
            await Task.WhenAny(settled, expired.Task);
            timer.Cancel();
        }

        return settled.IsCompleted ? settled.Result : null;
    }

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

using System.Collections.Concurrent;
using System.Collections.Immutable;
using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.Broker.Partitions;

/// <summary>
/// Idempotent batches a partition refused with a retriable error before taking their sequences
/// (NOT_ENOUGH_REPLICAS while the ISR was short, NOT_LEADER_OR_FOLLOWER or LEADER_NOT_AVAILABLE
/// while leadership or the partition was still arriving here, KAFKA_STORAGE_ERROR), by partition and
/// producer. A producer pipelines up to five batches: the ones sent after a refused batch can reach
/// the partition once it takes them, and find a gap where the refused one belongs. Kafka's answer,
/// OUT_OF_ORDER_SEQUENCE_NUMBER, makes librdkafka bump its producer epoch and send everything it
/// holds again under new sequences, which duplicates any batch whose earlier send is in a log
/// without the client knowing (sent to a leader that died before answering): the cluster soak
/// stored two records twice exactly so. Answered instead with the refused batch's own retriable
/// error, the producer retries both, in order, in the same epoch.
/// <para>Threads: noted by whichever shard refused the batch, read by the partition's owner shard
/// only when a batch arrives with a gap (both rare, off the produce path's common case), so a
/// concurrent dictionary of small immutable lists.</para>
/// </summary>
public sealed class RefusedProducerBatches
{
    /// <summary>Refusals kept per partition and producer: a pipeline holds at most five batches.</summary>
    private const int PerProducer = 8;

    /// <summary>Past this many partition-producer pairs everything is forgotten (a gap then gets Kafka's answer).</summary>
    private const int MaxEntries = 10_000;

    /// <summary>A refusal older than this explains no gap: the client has long retried or given up.</summary>
    private const long MaxAgeMs = 120_000;

    private readonly ConcurrentDictionary<(TopicPartition Partition, long ProducerId), ImmutableArray<Refusal>> _refused = new();

    private readonly record struct Refusal(short Epoch, int Sequence, ErrorCode Error, long AtMs);

    /// <summary>The refusals that leave a gap the client fills by retrying: the batch was not appended, and the error is retriable.</summary>
    public static bool LeavesRetriableGap(ErrorCode error) =>
        error is ErrorCode.NotEnoughReplicas or ErrorCode.NotLeaderOrFollower or ErrorCode.LeaderNotAvailable or ErrorCode.KafkaStorageError;

    /// <summary>Notes that <paramref name="records"/> (one batch) was refused with <paramref name="error"/>; only idempotent batches and retriable refusals count.</summary>
    public void Note(TopicPartition partition, ReadOnlySpan<byte> records, ErrorCode error)
    {
        if (!LeavesRetriableGap(error) || records.Length < RecordBatchHeader.Size || records[RecordBatchHeader.MagicOffset] != RecordBatchHeader.CurrentMagic)
        {
            return;
        }

        var header = RecordBatchHeader.Read(records);
        if (header.ProducerId < 0)
        {
            return;
        }

        if (_refused.Count >= MaxEntries)
        {
            _refused.Clear();
        }

        var refusal = new Refusal(header.ProducerEpoch, header.BaseSequence, error, Environment.TickCount64);
        _refused.AddOrUpdate((partition, header.ProducerId), ImmutableArray.Create(refusal),
            (_, kept) => (kept.Length < PerProducer ? kept : kept.RemoveAt(0)).Add(refusal));
    }

    /// <summary>
    /// The error the batch at <paramref name="gapAt"/> (the sequence the partition expects next) was
    /// refused with, when a batch of the same producer epoch was refused there lately; null otherwise.
    /// </summary>
    public ErrorCode? ErrorBehindGap(TopicPartition partition, long producerId, short epoch, int gapAt)
    {
        if (!_refused.TryGetValue((partition, producerId), out var refusals))
        {
            return null;
        }

        var now = Environment.TickCount64;
        foreach (var refusal in refusals)
        {
            if (refusal.Epoch == epoch && refusal.Sequence == gapAt && now - refusal.AtMs < MaxAgeMs)
            {
                return refusal.Error;
            }
        }

        return null;
    }
}

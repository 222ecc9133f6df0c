using FastLog.Broker.Topics;
using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.Broker.Partitions;

/// <summary>
/// A topic's compression.type on produce: a batch whose codec differs from the topic's is re-encoded
/// before it is appended, as Kafka's broker does (same records, same header fields but the codec
/// bits, a new CRC-32C).
///
/// Design: re-encoding a batch costs milliseconds per MiB (gzip, zstd, lz4-HC), too long to hold the
/// owner shard, so it runs on the thread pool. Batches must still reach the producer checks and the
/// log in the order they arrived (an idempotent producer pipelines up to five batches per partition;
/// a later one checked first would be refused as out of order). So every batch that arrives while
/// a re-encoding is pending joins a per-partition chain of turns: it starts its own re-encoding at
/// once (re-encodings of one partition run in parallel), waits for the previous batch's turn, and
/// ends its own turn once its producer check has reserved its sequences and the log has taken it
/// (both synchronous, on the shard). A batch that needs no re-encoding while the chain is empty
/// takes the direct path: no Task.Run, no copy, no wait.
/// </summary>
public sealed partial class PartitionReplica
{
    /// <summary>Ends when the last batch that joined the chain has been checked and handed to the log; owner shard only.</summary>
    private Task _turns = Task.CompletedTask;

    /// <summary>The topic's compression.type (null: producer, batches stored as sent); set on the owner shard when the topic is opened or altered.</summary>
    public TopicCompression? Compression { get; set; }

    /// <summary>The codec to re-encode <paramref name="header"/>'s batch with, or null when it is stored as sent (control batches always are).</summary>
    private TopicCompression? RecompressionTarget(RecordBatchHeader header) =>
        Compression is { } target && target.Codec != header.CompressionCodec && !header.IsControl ? target : null;

    /// <summary>A batch in the chain of turns: re-encoded off the shard when <paramref name="target"/> is given, appended in arrival order.</summary>
    private async ValueTask<AppendOutcome> AppendInTurnAsync(ReadOnlyMemory<byte> records, RecordBatchHeader header, TopicCompression? target, short acks, TimeSpan timeout)
    {
        var previous = _turns;
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _turns = turn.Task;
        try
        {
            var maxDecompressedBytes = Log.MaxDecompressedBytes;
            var recompressing = target is null ? null : Task.Run(() => Recompress(records, target, maxDecompressedBytes));

            // Turns only ever complete successfully: this never throws, and the finally below ends
            // this turn only after the previous one ended, whatever happens in between.
            await previous;
            // A new leader first lets the follower appends queued before its election commit (PartitionReplica.Replication.cs).
            await LeaderReadyAsync();
            if (recompressing is not null)
            {
                try
                {
                    records = await recompressing;
                }
                catch (InvalidDataException e)
                {
                    return new AppendOutcome(ErrorCode.CorruptMessage, Message: $"The batch could not be re-encoded as {target!.Codec}: {e.Message}");
                }
            }

            // Runs synchronously up to its first wait: the producer check and the log's offset assignment.
            var appending = AppendProducerCheckedAsync(records, header, acks, timeout);
            turn.SetResult();
            return await appending;
        }
        finally
        {
            turn.TrySetResult();
        }
    }

    /// <summary>
    /// <paramref name="records"/> (one batch) re-encoded with <paramref name="target"/>'s codec. A
    /// batch whose length, magic or CRC-32C is wrong is returned as it is, for the log to refuse
    /// with the right error: a new CRC must never cover damaged bytes. Any thread.
    /// </summary>
    private static ReadOnlyMemory<byte> Recompress(ReadOnlyMemory<byte> records, TopicCompression target, int maxDecompressedBytes)
    {
        var batch = records.Span;
        if (RecordBatchHeader.CheckStructure(batch, out _) != RecordBatchError.None)
        {
            return records;
        }

        return RecordBatchRecords.Read(batch, maxDecompressedBytes).Recompress(batch, target.Codec, target.Level);
    }
}

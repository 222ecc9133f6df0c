using System.Net;
using System.Net.Sockets;
using FastLog.Broker.Partitions;
using FastLog.Client;
using FastLog.Protocol;
using FastLog.Records;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Replication;

/// <summary>
/// Copies one leader broker's partitions that one shard follows (Kafka's ReplicaFetcherThread):
/// a loop of Kafka Fetch requests (replica_id = this broker, current leader epoch, last fetched
/// epoch: KIP-320), each answer appended verbatim. The loop runs on the owner shard, its awaits
/// resuming there, and talks to the leader through the shard's own io_uring
/// (<see cref="ShardClientConnection"/>), so preparing a round, the fetch itself and applying the
/// answer involve no other thread. A round is prepared (with replica.flush.before.fetch, what was
/// appended is made durable first, so the fetch offset the leader counts is on disk), sent, and
/// applied to each partition only if nothing moved meanwhile (leader, epoch, log end): the flush
/// and the fetch yield the shard to other work. A diverging epoch truncates the log (KIP-279's
/// rules) and the next round fetches again.
/// </summary>
public sealed class ReplicaFetcher(ReplicaManager manager, int shard, int leader)
{
    private const short FetchVersion = 12;
    private const int MaxWaitMs = 500;
    private const int PartitionMaxBytes = 1 << 20;
    private const int ResponseMaxBytes = 16 << 20;
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A leader that stops answering (paused, cut off) is given up on after these and reconnected to;
    /// a response may exceed the fetch's max bytes by its headers and one partition's last batch
    /// (Kafka returns a first batch larger than the limit), and anything larger is not a fetch answer.
    /// </summary>
    private readonly KafkaClientOptions _clientOptions = new()
    {
        ClientId = $"fastlog-replica-{manager.NodeId}",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ResponseTimeout = TimeSpan.FromSeconds(10),
        MaxResponseBytes = ResponseMaxBytes + (1 << 20),
    };

    /// <summary>The leader's Kafka endpoint as last resolved, and its addresses (a host may be a name: resolved off the shard, once per endpoint).</summary>
    private DnsEndPoint? _resolvedEndPoint;
    private IPAddress[] _resolvedAddresses = [];

    /// <summary>The shard whose partitions this fetcher copies.</summary>
    public int Shard { get; } = shard;

    /// <summary>The broker it copies from.</summary>
    public int Leader { get; } = leader;

    private readonly record struct Expected(long FetchOffset, int LeaderEpoch);

    /// <summary>One fetch: the request, what each partition's answer must still match, and the leader's address.</summary>
    private sealed record Round(FetchRequest Request, Dictionary<TopicPartition, Expected> Partitions, DnsEndPoint Leader);

    /// <summary>
    /// Fetches until <paramref name="stopping"/> or until no partition of this shard follows
    /// <see cref="Leader"/>. Call on shard <see cref="Shard"/> (<see cref="ReplicaManager.ApplyOnShard"/>
    /// does): every continuation runs there. Stopping shuts the connection down, so a pending fetch
    /// ends at once rather than at its timeout.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        ShardClientConnection? connection = null;
        DnsEndPoint? connectedTo = null;
        var failures = 0;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var round = await PrepareAsync();
                if (round is null)
                {
                    return;
                }

                if (round.Partitions.Count == 0)
                {
                    await Task.Delay(ErrorBackoff, stopping);
                    continue;
                }

                try
                {
                    if (connection is null || !round.Leader.Equals(connectedTo))
                    {
                        connection?.Dispose();
                        connection = new ShardClientConnection(_clientOptions, stopping);
                        await connection.ConnectAsync(await ResolveAsync(round.Leader, stopping), round.Leader.Port);
                        connectedTo = round.Leader;
                    }

                    var response = await connection.SendAsync<FetchResponse>(round.Request, FetchVersion);
                    var settled = await ApplyAsync(round, response);
                    failures = 0;
                    if (!settled)
                    {
                        // Errors only (a leader change not yet applied here): wait for the image rather than spin.
                        await Task.Delay(ErrorBackoff, stopping);
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or ProtocolException or TimeoutException && !stopping.IsCancellationRequested)
                {
                    if (failures++ == 0)
                    {
                        manager.Logger.LogInformation("Replica fetcher (shard {Shard}) from broker {Leader}: {Reason}; retrying", Shard, Leader, e.Message);
                    }

                    connection?.Dispose();
                    connection = null;
                    _resolvedEndPoint = null; // resolved again: the leader may have moved to another address
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 100 * failures)), stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            connection?.Dispose();
            manager.Ended(this);
        }
    }

    /// <summary>
    /// The addresses of <paramref name="leader"/>: an IP literal as it is, a name resolved on the
    /// thread pool (getaddrinfo blocks), the continuation back on the shard.
    /// </summary>
    private async ValueTask<IPAddress[]> ResolveAsync(DnsEndPoint leader, CancellationToken stopping)
    {
        if (!leader.Equals(_resolvedEndPoint))
        {
            var addresses = IPAddress.TryParse(leader.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(leader.Host, stopping);
            _resolvedAddresses = addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
            _resolvedEndPoint = leader;
        }

        return _resolvedAddresses;
    }

    /// <summary>
    /// The fetch for every partition the shard follows from <see cref="Leader"/>, after making each
    /// log durable up to its end; null (and retired) when it follows none.
    /// </summary>
    private async ValueTask<Round?> PrepareAsync()
    {
        var followed = manager.Partitions.OwnedHere
            .Where(r => r.Assignment is { } a && a.Leader == Leader && Leader != manager.NodeId && r.OfflineReason is null)
            .ToList();
        if (followed.Count == 0)
        {
            manager.Retire(this);
            return null;
        }

        var image = manager.ImageOnShard(Shard);
        if (!image.Brokers.TryGetValue(Leader, out var broker))
        {
            return new Round(new FetchRequest(), [], new DnsEndPoint("localhost", 0));
        }

        var request = new FetchRequest { ReplicaId = manager.NodeId, MaxWaitMs = MaxWaitMs, MinBytes = 1, MaxBytes = ResponseMaxBytes, SessionEpoch = -1 };
        var expected = new Dictionary<TopicPartition, Expected>();
        foreach (var replica in followed)
        {
            var log = replica.Log;
            try
            {
                if (manager.Options.ReplicaFlushBeforeFetch && log.DurableEndOffset < log.LogEndOffset)
                {
                    await log.FlushAsync();
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // Not durable, so not reported: this partition sits the round out (a faulted log takes its directory offline).
                continue;
            }

            var assignment = replica.Assignment!;
            if (assignment.Leader != Leader)
            {
                continue; // changed while flushing
            }

            if (request.Topics.Find(t => t.Name == replica.Id.Topic) is not { } topic)
            {
                topic = new TopicData<FetchRequest.FetchPartition> { Name = replica.Id.Topic };
                request.Topics.Add(topic);
            }

            topic.Partitions.Add(new FetchRequest.FetchPartition
            {
                Partition = replica.Id.Partition,
                CurrentLeaderEpoch = assignment.LeaderEpoch,
                FetchOffset = log.LogEndOffset,
                LastFetchedEpoch = log.LeaderEpochs is { Count: > 0 } epochs ? epochs[^1].Epoch : -1,
                LogStartOffset = log.LogStartOffset,
                PartitionMaxBytes = PartitionMaxBytes,
            });
            expected[replica.Id] = new Expected(log.LogEndOffset, assignment.LeaderEpoch);
        }

        return new Round(request, expected, new DnsEndPoint(broker.KafkaHost, broker.KafkaPort));
    }

    /// <summary>
    /// Applies the leader's answer to each partition still in the state the round was prepared in
    /// (its records are slices of the connection's receive buffer, valid until the next fetch).
    /// False when no partition got records, a truncation or a plain empty answer (all errors).
    /// </summary>
    private async ValueTask<bool> ApplyAsync(Round round, FetchResponse response)
    {
        var settled = false;
        foreach (var topic in response.Responses)
        {
            foreach (var answer in topic.Partitions)
            {
                var id = new TopicPartition(topic.Name, answer.PartitionIndex);
                if (!round.Partitions.TryGetValue(id, out var expected) || manager.Partitions.FindOnOwner(id) is not { } replica
                    || replica.Assignment is not { } assignment || assignment.Leader != Leader || assignment.LeaderEpoch != expected.LeaderEpoch
                    || replica.Log.LogEndOffset != expected.FetchOffset)
                {
                    continue;
                }

                try
                {
                    settled |= await ApplyPartitionAsync(replica, expected, answer);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidRecordBatchException or InvalidOperationException)
                {
                    manager.Logger.LogWarning("{Partition}: cannot apply the leader's fetch answer at offset {Offset}: {Reason}", id, expected.FetchOffset, e.Message);
                }
            }
        }

        return settled;
    }

    private async ValueTask<bool> ApplyPartitionAsync(PartitionReplica replica, Expected expected, FetchResponse.PartitionData answer)
    {
        var log = replica.Log;
        switch (answer.ErrorCode)
        {
            case ErrorCode.None when !answer.DivergingEpoch.IsDefault:
                await log.TruncateToAsync(LogDivergence.TruncationOffset(log, answer.DivergingEpoch.Epoch, answer.DivergingEpoch.EndOffset));
                return true;
            case ErrorCode.None:
                if (answer.Records is MemoryRecords { Length: > 0 } records && WholeBatches(records.Bytes) is { Length: > 0 } batches)
                {
                    await log.AppendReplicatedAsync(batches.Span);
                }

                log.AdvanceHighWatermark(Math.Min(answer.HighWatermark, log.LogEndOffset));
                if (answer.LogStartOffset > log.LogStartOffset && answer.LogStartOffset <= log.HighWatermark)
                {
                    // DeleteRecords on the leader: the follower's log starts there too (Kafka's followers follow the leader's log start).
                    await log.DeleteRecordsAsync(answer.LogStartOffset);
                }

                return true;
            case ErrorCode.OffsetOutOfRange when expected.FetchOffset < answer.LogStartOffset:
                // The leader deleted what this follower would fetch next (retention, DeleteRecords): start over at its log start.
                await log.TruncateFullyAndStartAtAsync(answer.LogStartOffset);
                return true;
            case ErrorCode.OffsetOutOfRange:
                // Ahead of the leader's log with no epochs to compare: keep only what the leader says the ISR holds.
                await log.TruncateToAsync(Math.Max(log.LogStartOffset, answer.HighWatermark));
                return true;
            default:
                return false;
        }
    }

    /// <summary>The whole batches of a fetch answer (a leader may end it with a partial batch, which Kafka clients skip).</summary>
    private static ReadOnlyMemory<byte> WholeBatches(ReadOnlyMemory<byte> records)
    {
        var span = records.Span;
        var length = 0;
        while (span.Length - length >= RecordBatchHeader.Size && RecordBatchHeader.ReadTotalSize(span[length..]) is var size && size > 0 && size <= span.Length - length)
        {
            length += (int)size;
        }

        return records[..length];
    }
}

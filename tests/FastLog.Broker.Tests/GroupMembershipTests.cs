using Confluent.Kafka;
using FastLog.Protocol;
using ErrorCode = FastLog.Protocol.ErrorCode;

namespace FastLog.Broker.Tests;

/// <summary>
/// Three members share six partitions; one leaves cleanly (Close), another dies (a raw-protocol
/// member that stops heartbeating: exactly what a killed process looks like to the coordinator),
/// and the survivors take over every partition from the committed offsets.
/// </summary>
[Collection(GroupClients.Collection)]
public sealed class GroupMembershipTests
{
    private const string Topic = "jobs";
    private const string Group = "workers";

    [Fact]
    public async Task MembersLeaveAndDie_SurvivorsTakeOver_NothingLostNothingReprocessedPastCommits()
    {
        await using var broker = await GroupClients.StartBrokerAsync();
        await GroupClients.ProduceAsync(broker, Topic, 120);
        await using var consumers = new GroupConsumers();
        var log = new GroupClients.ProcessedLog();
        IConsumer<string, string> Start()
        {
            var consumer = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, Group)).Build());
            consumer.Subscribe(Topic);
            return consumer;
        }

        var a = Start();
        var b = Start();
        var c = Start();

        // Three members: two partitions each, disjoint.
        Assert.True(GroupClients.PollUntil([a, b, c], () => log.DistinctCount == 120 && a.Assignment.Count == 2 && b.Assignment.Count == 2 && c.Assignment.Count == 2, log.Process));
        Assert.Equal(6, a.Assignment.Concat(b.Assignment).Concat(c.Assignment).Select(p => p.Partition.Value).Distinct().Count());

        // c leaves cleanly (while a and b keep polling, so the rebalance it starts can finish): a and b share all six.
        var closing = consumers.CloseAsync(c);
        Assert.True(GroupClients.PollUntil([a, b], () => closing.IsCompleted, log.Process));
        await closing;

        await GroupClients.ProduceAsync(broker, Topic, 120, from: 120);
        Assert.True(GroupClients.PollUntil([a, b], () => log.DistinctCount == 240 && a.Assignment.Count + b.Assignment.Count == 6, log.Process));

        // A third member joins over the raw protocol and gets its share from the leader's assignment...
        using var raw = await broker.ConnectRawAsync();
        var joining = GroupClients.JoinAsync(raw, Group, Topic);
        Assert.True(GroupClients.PollUntil([a, b], () => joining.IsCompleted, log.Process));
        var joined = await joining;
        Assert.Equal(ErrorCode.None, joined.ErrorCode);
        var syncing = raw.SendAsync<SyncGroupResponse>(new SyncGroupRequest { GroupId = Group, GenerationId = joined.GenerationId, MemberId = joined.MemberId }, 3);
        Assert.True(GroupClients.PollUntil([a, b], () => syncing.IsCompleted, log.Process));
        var synced = await syncing;
        Assert.Equal(ErrorCode.None, synced.ErrorCode);
        var rawPartitions = GroupClients.AssignedPartitions(synced.Assignment);
        Assert.Equal(2, rawPartitions.Count);
        Assert.True(GroupClients.PollUntil([a, b], () => a.Assignment.Count + b.Assignment.Count == 4, log.Process));
        Assert.DoesNotContain(a.Assignment.Concat(b.Assignment), p => rawPartitions.Contains(p.Partition.Value));

        // ...and dies: no heartbeats. After its session timeout a and b take its partitions over.
        await GroupClients.ProduceAsync(broker, Topic, 120, from: 240);
        Assert.True(GroupClients.PollUntil([a, b], () => log.DistinctCount == 360 && a.Assignment.Count + b.Assignment.Count == 6, log.Process));

        // Nothing lost; a record processed twice only if its first processing could not commit.
        Assert.Equal(360, log.DistinctCount);
        log.AssertNothingReprocessedPastACommit();

        // The committed positions are the ends of the partitions.
        var committed = a.Committed(Enumerable.Range(0, 6).Select(p => new Confluent.Kafka.TopicPartition(Topic, p)), GroupClients.Deadline);
        var ends = Enumerable.Range(0, 6).Select(p => a.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(Topic, p), GroupClients.Deadline).High.Value);
        Assert.Equal(ends, committed.OrderBy(c => c.Partition.Value).Select(c => c.Offset.Value));
        await consumers.CloseAsync(a, b);
    }
}

using FastLog.Client;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>The coordinator's answers to requests real clients rarely send: Kafka's error codes, batches, old and new versions.</summary>
public sealed class GroupProtocolTests
{
    private const string Topic = "raw";

    [Fact]
    public async Task MemberLifecycle_GetsKafkasErrorCodes()
    {
        await using var broker = await StartWithTopicAsync();
        using var client = await broker.ConnectRawAsync();

        var tooShort = await GroupClients.JoinAsync(client, "g", Topic, sessionTimeoutMs: 1000);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, tooShort.ErrorCode);

        var joined = await GroupClients.JoinAsync(client, "g", Topic);
        Assert.Equal(ErrorCode.None, joined.ErrorCode);
        Assert.Equal(1, joined.GenerationId);
        Assert.Equal(joined.MemberId, joined.Leader);
        Assert.Equal("range", joined.ProtocolName);
        Assert.Equal(GroupClients.Subscription(Topic), joined.Members.Single().Metadata);
        var (member, generation) = (joined.MemberId, joined.GenerationId);

        Assert.Equal(ErrorCode.IllegalGeneration, (await SyncAsync(client, member, generation + 1)).ErrorCode);
        Assert.Equal(ErrorCode.UnknownMemberId, (await SyncAsync(client, "nobody", generation)).ErrorCode);
        var synced = await SyncAsync(client, member, generation, [1, 2, 3]);
        Assert.Equal(ErrorCode.None, synced.ErrorCode);
        Assert.Equal([1, 2, 3], synced.Assignment);

        Assert.Equal(ErrorCode.None, await HeartbeatAsync(client, member, generation));
        Assert.Equal(ErrorCode.IllegalGeneration, await HeartbeatAsync(client, member, generation - 1));
        Assert.Equal(ErrorCode.IllegalGeneration, await CommitAsync(client, "g", generation + 1, member, 5));
        Assert.Equal(ErrorCode.UnknownMemberId, await CommitAsync(client, "g", -1, "", 5));
        Assert.Equal(ErrorCode.None, await CommitAsync(client, "g", generation, member, 5));
        Assert.Equal(5, (await FetchAsync(client, "g")).Topics.Single().Partitions.Single().CommittedOffset);
        Assert.Equal(ErrorCode.NonEmptyGroup, (await DeleteAsync(client, "g")).ErrorCode);

        var left = await client.SendAsync<LeaveGroupResponse>(new LeaveGroupRequest
        {
            GroupId = "g",
            Members = [new() { MemberId = member }, new() { MemberId = "ghost" }],
        }, 3);
        Assert.Equal([ErrorCode.None, ErrorCode.UnknownMemberId], left.Members.Select(m => m.ErrorCode));
        Assert.Equal(ErrorCode.UnknownMemberId, await HeartbeatAsync(client, member, generation));
        Assert.Equal("Empty", (await DescribeAsync(client, "g")).GroupState);

        Assert.Equal(ErrorCode.None, (await DeleteAsync(client, "g")).ErrorCode);
        Assert.Equal(ErrorCode.GroupIdNotFound, (await DeleteAsync(client, "g")).ErrorCode);
        Assert.Equal("Dead", (await DescribeAsync(client, "g")).GroupState);
        Assert.Empty((await FetchAsync(client, "g")).Topics);
    }

    [Fact]
    public async Task AStableGroup_OutlivesItsCoordinator_TheNextOneGoesOnWithTheSameGenerationAndAssignments()
    {
        await using var broker = await StartWithTopicAsync();
        string member;
        int generation;
        using (var client = await broker.ConnectRawAsync())
        {
            var joined = await GroupClients.JoinAsync(client, "g", Topic);
            (member, generation) = (joined.MemberId, joined.GenerationId);
            Assert.Equal(ErrorCode.None, (await SyncAsync(client, member, generation, [7, 8, 9])).ErrorCode);
        }

        // The coordinator restarts (in a cluster: another broker takes the offsets partition over);
        // the member's heartbeat, sync and commit go on with its generation, no rejoin.
        await broker.RestartAsync();
        using var after = await broker.ConnectRawAsync();
        Assert.Equal(ErrorCode.None, await HeartbeatAsync(after, member, generation));
        var synced = await SyncAsync(after, member, generation);
        Assert.Equal(ErrorCode.None, synced.ErrorCode);
        Assert.Equal([7, 8, 9], synced.Assignment);
        Assert.Equal(ErrorCode.None, await CommitAsync(after, "g", generation, member, 1));
        var described = await DescribeAsync(after, "g");
        Assert.Equal(("Stable", member), (described.GroupState, Assert.Single(described.Members).MemberId));

        // Its leaving is stored too: after the next restart the group is empty, at the next generation.
        await after.SendAsync<LeaveGroupResponse>(new LeaveGroupRequest { GroupId = "g", Members = [new() { MemberId = member }] }, 3);
        await broker.RestartAsync();
        using var emptied = await broker.ConnectRawAsync();
        var reloaded = await DescribeAsync(emptied, "g");
        Assert.Equal(("Empty", 0), (reloaded.GroupState, reloaded.Members.Count));
        Assert.Equal(ErrorCode.UnknownMemberId, await HeartbeatAsync(emptied, member, generation));
        var rejoined = await GroupClients.JoinAsync(emptied, "g", Topic);
        Assert.Equal(generation + 2, rejoined.GenerationId);
    }

    [Fact]
    public async Task StaticMemberRejoin_FencesTheOldInstanceWithoutARebalance()
    {
        await using var broker = await StartWithTopicAsync();
        using var client = await broker.ConnectRawAsync();
        var first = await GroupClients.JoinAsync(client, "static", Topic, instanceId: "i1");
        Assert.Equal(ErrorCode.None, first.ErrorCode);
        Assert.Equal(ErrorCode.None, (await SyncAsync(client, first.MemberId, first.GenerationId, [7], "i1")).ErrorCode);

        var second = await GroupClients.JoinAsync(client, "static", Topic, instanceId: "i1");
        Assert.Equal(ErrorCode.None, second.ErrorCode);
        Assert.NotEqual(first.MemberId, second.MemberId);
        Assert.Equal(first.GenerationId, second.GenerationId);
        // The old leader id comes back, so the new incarnation does not compute an assignment.
        Assert.Equal(first.MemberId, second.Leader);

        Assert.Equal(ErrorCode.FencedInstanceId, await HeartbeatAsync(client, first.MemberId, first.GenerationId, "i1"));
        Assert.Equal(ErrorCode.None, await HeartbeatAsync(client, second.MemberId, second.GenerationId, "i1"));
        var synced = await SyncAsync(client, second.MemberId, second.GenerationId, [], "i1");
        Assert.Equal([7], synced.Assignment);
        Assert.Equal("Stable", (await DescribeAsync(client, "static")).GroupState);
    }

    [Fact]
    public async Task SimpleCommits_FetchOfSeveralGroups_AndPartitionErrors()
    {
        await using var broker = await StartWithTopicAsync();
        using var client = await broker.ConnectRawAsync();
        var commit = await client.SendAsync<OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = "simple",
            Topics =
            [
                new() { Name = Topic, Partitions = [new() { PartitionIndex = 0, CommittedOffset = 42, CommittedLeaderEpoch = 3, CommittedMetadata = "m" }] },
                new() { Name = "no-such-topic", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 1 }] },
                new() { Name = Topic, Partitions = [new() { PartitionIndex = 1, CommittedOffset = 1, CommittedMetadata = new string('x', 5000) }] },
            ],
        }, 8);
        Assert.Equal(
            [ErrorCode.None, ErrorCode.UnknownTopicOrPartition, ErrorCode.OffsetMetadataTooLarge],
            commit.Topics.Select(t => t.Partitions.Single().ErrorCode));

        var fetched = await client.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest
        {
            Groups =
            [
                new() { GroupId = "simple", Topics = null },
                new() { GroupId = "other", Topics = [new() { Name = Topic, PartitionIndexes = [0] }] },
            ],
        }, 8);
        var simple = fetched.Groups[0].Topics.Single().Partitions.Single();
        Assert.Equal((0, 42L, 3, "m"), (simple.PartitionIndex, simple.CommittedOffset, simple.CommittedLeaderEpoch, simple.Metadata));
        Assert.Equal(-1, fetched.Groups[1].Topics.Single().Partitions.Single().CommittedOffset);

        var listed = await client.SendAsync<ListGroupsResponse>(new ListGroupsRequest { StatesFilter = ["empty"] }, 4);
        Assert.Equal(["simple"], listed.Groups.Select(g => g.GroupId));
        var coordinators = await client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { CoordinatorKeys = ["simple", "other"] }, 4);
        Assert.All(coordinators.Coordinators, c => Assert.Equal(broker.Server.ListenEndPoint.Port, c.Port));
        var deleted = await client.SendAsync<OffsetDeleteResponse>(new OffsetDeleteRequest { GroupId = "simple", Topics = [new() { Name = Topic, PartitionIndexes = [0] }] }, 0);
        Assert.Equal(ErrorCode.None, deleted.Topics.Single().Partitions.Single().ErrorCode);
        Assert.Empty((await FetchAsync(client, "simple")).Topics);
    }

    [Fact]
    public async Task OffsetsOfEmptyGroups_ExpireAfterTheRetention_AndStayExpiredAfterARestart()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.OffsetsRetentionMs = 1;
            o.OffsetsRetentionCheckIntervalMs = 50;
        });
        await GroupClients.ProduceAsync(broker, Topic, 1);
        using (var client = await broker.ConnectRawAsync())
        {
            Assert.Equal(ErrorCode.None, await CommitAsync(client, "fleeting", -1, "", 1));
            var stop = DateTime.UtcNow + GroupClients.Deadline;
            while ((await FetchAsync(client, "fleeting")).Topics.Count > 0 && DateTime.UtcNow < stop)
            {
                await Task.Delay(50);
            }

            Assert.Empty((await FetchAsync(client, "fleeting")).Topics);
            Assert.Empty((await client.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), 4)).Groups);
        }

        await broker.RestartAsync();
        using var after = await broker.ConnectRawAsync();
        Assert.Empty((await FetchAsync(after, "fleeting")).Topics);
    }

    private static async Task<TestBroker> StartWithTopicAsync()
    {
        var broker = await GroupClients.StartBrokerAsync(partitions: 2);
        await GroupClients.ProduceAsync(broker, Topic, 1);
        return broker;
    }

    private static Task<SyncGroupResponse> SyncAsync(KafkaClientConnection client, string member, int generation, byte[]? assignment = null, string? instanceId = null) =>
        client.SendAsync<SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = instanceId is null ? "g" : "static",
            MemberId = member,
            GenerationId = generation,
            GroupInstanceId = instanceId,
            Assignments = assignment is { Length: > 0 } ? [new() { MemberId = member, Assignment = assignment }] : [],
        }, 5);

    private static async Task<ErrorCode> HeartbeatAsync(KafkaClientConnection client, string member, int generation, string? instanceId = null) =>
        (await client.SendAsync<HeartbeatResponse>(new HeartbeatRequest
        {
            GroupId = instanceId is null ? "g" : "static",
            MemberId = member,
            GenerationId = generation,
            GroupInstanceId = instanceId,
        }, 4)).ErrorCode;

    private static async Task<ErrorCode> CommitAsync(KafkaClientConnection client, string group, int generation, string member, long offset) =>
        (await client.SendAsync<OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = group,
            GenerationIdOrMemberEpoch = generation,
            MemberId = member,
            Topics = [new() { Name = Topic, Partitions = [new() { PartitionIndex = 0, CommittedOffset = offset }] }],
        }, 7)).Topics.Single().Partitions.Single().ErrorCode;

    private static Task<OffsetFetchResponse> FetchAsync(KafkaClientConnection client, string group) =>
        client.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest { GroupId = group, Topics = null }, 6);

    private static async Task<DescribeGroupsResponse.DescribedGroup> DescribeAsync(KafkaClientConnection client, string group) =>
        (await client.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = [group] }, 5)).Groups.Single();

    private static async Task<DeleteGroupsResponse.DeletableGroupResult> DeleteAsync(KafkaClientConnection client, string group) =>
        (await client.SendAsync<DeleteGroupsResponse>(new DeleteGroupsRequest { GroupsNames = [group] }, 2)).Results.Single();
}

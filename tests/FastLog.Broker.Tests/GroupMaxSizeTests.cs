using Confluent.Kafka;
using FastLog.Protocol;
using ErrorCode = FastLog.Protocol.ErrorCode;

namespace FastLog.Broker.Tests;

/// <summary>group.max.size: a member that would take a group past it gets GROUP_MAX_SIZE_REACHED, checked as Kafka's
/// acceptJoiningMember does (newcomers are counted against the members, or during a rebalance against those already
/// rejoined, so the last to rejoin are the ones left out).</summary>
[Collection(GroupClients.Collection)]
public sealed class GroupMaxSizeTests
{
    [Fact]
    public void ServerProperties_SetIt_AndItMustBeAtLeastOne()
    {
        var options = new Configuration.BrokerOptions();
        Assert.Equal(int.MaxValue, options.GroupMaxSize);
        Assert.True(Host.Configuration.BrokerOptionsLoader.Apply(options, "group.max.size", "5"));
        Assert.Equal(5, options.GroupMaxSize);
        options.GroupMaxSize = 0;
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public async Task AThirdConsumer_IsRefused_UntilAMemberLeaves()
    {
        await using var broker = await GroupClients.StartBrokerAsync(configure: o => o.GroupMaxSize = 2);
        await GroupClients.ProduceAsync(broker, "capped", 6);
        await using var consumers = new GroupConsumers();
        IConsumer<string, string> Start()
        {
            var consumer = consumers.Add(new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "capped-group")).Build());
            consumer.Subscribe("capped");
            return consumer;
        }

        var a = Start();
        var b = Start();
        Assert.True(GroupClients.PollUntil([a, b], () => a.Assignment.Count == 3 && b.Assignment.Count == 3));

        // librdkafka reports the JoinGroup error to the application through Consume.
        var c = Start();
        ConsumeException? refusal = null;
        Assert.True(GroupClients.PollUntil([a, b], () =>
        {
            try
            {
                c.Consume(TimeSpan.FromMilliseconds(50));
            }
            catch (ConsumeException e)
            {
                refusal = e;
            }

            return refusal is not null;
        }));
        Assert.Equal(Confluent.Kafka.ErrorCode.GroupMaxSizeReached, refusal!.Error.Code);
        Assert.Empty(c.Assignment);
        Assert.Equal(3, a.Assignment.Count);
        Assert.Equal(3, b.Assignment.Count);

        // Once a leaves, c's next attempt gets in. An attempt c makes before a's LeaveGroup lands is
        // still refused, and librdkafka reports that through Consume too (a clean CI run saw it).
        var closing = consumers.CloseAsync(a);
        Assert.True(GroupClients.PollUntil([b], () =>
        {
            try
            {
                c.Consume(TimeSpan.FromMilliseconds(50));
            }
            catch (ConsumeException e) when (e.Error.Code == Confluent.Kafka.ErrorCode.GroupMaxSizeReached)
            {
            }

            return closing.IsCompleted && b.Assignment.Count == 3 && c.Assignment.Count == 3;
        }));
        await closing;
        await consumers.CloseAsync(b, c);
    }

    [Fact]
    public async Task DuringARebalance_TheLastToRejoinIsLeftOut()
    {
        await using var broker = await GroupClients.StartBrokerAsync(configure: o => o.GroupMaxSize = 2);
        await GroupClients.ProduceAsync(broker, "capped", 1);
        using var clientA = await broker.ConnectRawAsync();
        using var clientB = await broker.ConnectRawAsync();
        using var clientC = await broker.ConnectRawAsync();
        using var observer = await broker.ConnectRawAsync();

        var a = await GroupClients.JoinAsync(clientA, "rejoin", "capped");
        Assert.Equal((ErrorCode.None, 1), (a.ErrorCode, a.GenerationId));

        // b joins (one member, below the limit): a rebalance starts and waits for a to rejoin.
        var b = GroupClients.JoinAsync(clientB, "rejoin", "capped");
        await WaitForMembersAsync(2);

        // c joins while only b has rejoined: in. a rejoins last, with two rejoined already: out.
        var c = GroupClients.JoinAsync(clientC, "rejoin", "capped");
        await WaitForMembersAsync(3);
        var aAgain = await GroupClients.JoinAsync(clientA, "rejoin", "capped", memberId: a.MemberId);
        Assert.Equal((ErrorCode.GroupMaxSizeReached, ""), (aAgain.ErrorCode, aAgain.MemberId));

        // The rebalance completes at once with b and c, without waiting out a's rebalance timeout.
        var (bJoined, cJoined) = (await b.WaitAsync(GroupClients.Deadline), await c.WaitAsync(GroupClients.Deadline));
        Assert.Equal((ErrorCode.None, 2), (bJoined.ErrorCode, bJoined.GenerationId));
        Assert.Equal((ErrorCode.None, 2), (cJoined.ErrorCode, cJoined.GenerationId));
        var leader = bJoined.Leader == bJoined.MemberId ? bJoined : cJoined;
        Assert.Equal(new[] { bJoined.MemberId, cJoined.MemberId }.Order(), leader.Members.Select(m => m.MemberId).Order());
        Assert.Equal(ErrorCode.UnknownMemberId, (await clientA.SendAsync<HeartbeatResponse>(new HeartbeatRequest { GroupId = "rejoin", MemberId = a.MemberId, GenerationId = 2 }, 4)).ErrorCode);

        async Task WaitForMembersAsync(int count)
        {
            var stop = DateTime.UtcNow + GroupClients.Deadline;
            while (DateTime.UtcNow < stop)
            {
                var described = await observer.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = ["rejoin"] }, 5);
                if (described.Groups[0].Members.Count == count)
                {
                    return;
                }

                await Task.Delay(20);
            }

            Assert.Fail($"the group never had {count} members");
        }
    }
}

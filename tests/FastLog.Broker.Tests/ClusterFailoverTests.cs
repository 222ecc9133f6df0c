using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Client;
using FastLog.Protocol;
using FastLog.Testing;
using Xunit.Abstractions;

namespace FastLog.Broker.Tests;

/// <summary>
/// Three real broker processes (gossip + metadata quorum, 127.0.0.1, ports chosen free): kill -9
/// of the controller elects another, which fences the dead broker and moves leadership where the
/// rules allow; the restarted broker rejoins from its data directory and is unfenced.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _root = Directory.CreateTempSubdirectory("fastlog-cluster-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what)
        where T : class => Eventually.ProbeAsync(probe, what, Patience);

    [Fact]
    public async Task Controller_killed_another_takes_over_leaders_move_where_allowed_and_the_broker_rejoins()
    {
        using var cluster = await LocalCluster.StartAsync(_root, 3);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        await EventuallyAsync(() => Task.FromResult(admin.GetMetadata(TimeSpan.FromSeconds(10)) is { Brokers.Count: 3 } m ? m : null), "three registered brokers");
        var described = await EventuallyAsync(async () => await admin.DescribeClusterAsync() is { Controller: not null, Nodes.Count: 3 } d ? d : null, "three brokers and a controller");
        var controller = described.Controller.Id;

        await admin.CreateTopicsAsync(
        [
            new TopicSpecification { Name = "available", NumPartitions = 3, ReplicationFactor = 3, Configs = new() { ["unclean.leader.election.enable"] = "true" } },
            new TopicSpecification { Name = "strict", NumPartitions = 3, ReplicationFactor = 3 },
        ]);
        var before = await EventuallyAsync(() => Task.FromResult(admin.GetMetadata(TimeSpan.FromSeconds(10)) is var m && m.Topics.Count(t => t.Topic is "available" or "strict" && t.Partitions.All(p => p.Leader > 0)) == 2 ? m : null), "both topics with leaders");
        var strictLedByController = before.Topics.Single(t => t.Topic == "strict").Partitions.Where(p => p.Leader == controller).Select(p => p.PartitionId).ToList();

        var killed = Stopwatch.StartNew();
        cluster.Kill(controller);
        using var survivorAdmin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        // Asked raw: librdkafka's DescribeCluster would wait on the controller it last knew, the dead one.
        var survivor = cluster.NodeIds.First(cluster.IsRunning);
        using var raw = await KafkaClientConnection.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, cluster[survivor].Port), new KafkaClientOptions());
        var after = await EventuallyAsync(async () =>
            await raw.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [] }, 12) is { Brokers.Count: 2 } m && m.ControllerId != controller ? m : null,
            "a new controller and the dead broker fenced");
        var failedOver = await EventuallyAsync(() => Task.FromResult(survivorAdmin.GetMetadata(TimeSpan.FromSeconds(10)) is var m
            && m.Topics.Where(t => t.Topic is "available" or "strict").All(t => t.Partitions.All(p => p.Leader > 0 && p.Leader != controller)) ? m : null), "leaders of both topics on live brokers");
        output.WriteLine($"controller {controller} killed; controller {after.ControllerId} and leaders moved after {killed.ElapsedMilliseconds} ms");

        // The followers were in sync, so even without unclean election the partitions the dead broker led move (a clean election),
        // and the dead broker is out of every ISR.
        var strict = failedOver.Topics.Single(t => t.Topic == "strict").Partitions;
        Assert.All(strict, p => Assert.DoesNotContain(controller, p.InSyncReplicas));
        Assert.NotEmpty(strictLedByController);

        // The survivors still create topics.
        await survivorAdmin.CreateTopicsAsync([new TopicSpecification { Name = "later", NumPartitions = 2, ReplicationFactor = 2 }]);

        // The killed broker restarts from its data directory: it is unfenced, catches up, rejoins the ISRs and leads its preferred partitions again.
        await cluster.StartAsync(controller);
        await EventuallyAsync(() => Task.FromResult(survivorAdmin.GetMetadata(TimeSpan.FromSeconds(10)) is var m && m.Brokers.Count == 3
            && m.Topics.Single(t => t.Topic == "strict").Partitions.All(p => p.InSyncReplicas.Length == 3 && p.Leader == p.Replicas[0]) ? m : null), "the restarted broker back in sync and leading");
    }

    /// <summary>
    /// kill -9 of a partition's leader, over and over (FASTLOG_FAILOVER_KILLS, 2 by default;
    /// scripts/failover.sh runs 20 and more): each time a live replica leads within the bound and no
    /// two brokers name different leaders for one leader epoch; the time from the kill until Metadata
    /// names the new leader is written to the output (p50/p99 over the kills), not asserted.
    /// </summary>
    [Fact]
    public async Task Killed_leaders_are_replaced_and_no_epoch_has_two_leaders()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("FASTLOG_FAILOVER_KILLS"), out var n) && n > 0 ? n : 2;
        using var cluster = await LocalCluster.StartAsync(_root, 3);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            await EventuallyAsync(() => Task.FromResult(admin.GetMetadata(TimeSpan.FromSeconds(10)) is { Brokers.Count: 3 } m ? m : null), "three registered brokers");
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "moving", NumPartitions = 1, ReplicationFactor = 3 }]);
        }

        var leadersByEpoch = new Dictionary<int, int>();
        var failovers = new List<double>();
        for (var kill = 0; kill < kills; kill++)
        {
            var (leader, epoch) = await LeaderAsync(cluster, leadersByEpoch, p => p.LeaderId > 0 && cluster.NodeIds.All(cluster.IsRunning));
            var clock = Stopwatch.StartNew();
            cluster.Kill(leader);
            var (next, nextEpoch) = await LeaderAsync(cluster, leadersByEpoch, p => p.LeaderId > 0 && p.LeaderId != leader);
            failovers.Add(clock.Elapsed.TotalMilliseconds);
            Assert.True(nextEpoch > epoch, $"the new leader {next} has epoch {nextEpoch}, not above {epoch}");
            await LeaderEpochIsUsedAsync(cluster, next, nextEpoch);
            await cluster.StartAsync(leader);
            // Back in the ISR before the next kill, so that a clean election can move the leader again.
            await LeaderAsync(cluster, leadersByEpoch, p => p.IsrNodes.Count == 3, brokers: 3);
        }

        failovers.Sort();
        output.WriteLine($"leader failover over {kills} kills: p50 {Percentile(failovers, 0.50):0} ms, p99 {Percentile(failovers, 0.99):0} ms, max {failovers[^1]:0} ms");
    }

    /// <summary>
    /// A broker restarted while the quorum has no majority acts on no metadata: its copy of the
    /// metadata log still names it the leader of a partition that moved on while it was down, and
    /// leading by that stale image it would take acks=1 writes that its catch-up then truncates. It
    /// serves the partition only once the quorum is back and it has caught up.
    /// </summary>
    [Fact]
    public async Task A_restarted_broker_leads_nothing_until_it_has_caught_up_with_the_quorum()
    {
        using var cluster = await LocalCluster.StartAsync(_root, 3);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            await EventuallyAsync(() => Task.FromResult(admin.GetMetadata(TimeSpan.FromSeconds(10)) is { Brokers.Count: 3 } m ? m : null), "three registered brokers");
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "moving", NumPartitions = 1, ReplicationFactor = 3 }]);
        }

        var leadersByEpoch = new Dictionary<int, int>();
        var (stale, _) = await LeaderAsync(cluster, leadersByEpoch, p => p.LeaderId > 0 && p.IsrNodes.Count == 3, brokers: 3);
        cluster.Kill(stale);
        var (_, movedEpoch) = await LeaderAsync(cluster, leadersByEpoch, p => p.LeaderId > 0 && p.LeaderId != stale);
        var others = cluster.NodeIds.Where(cluster.IsRunning).ToList();
        others.ForEach(cluster.Kill);

        await cluster.StartAsync(stale);
        using (var client = await KafkaClientConnection.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, cluster[stale].Port), new KafkaClientOptions()))
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var produced = await client.SendAsync<ProduceResponse>(RecordBatches.Produce("moving", RecordBatches.Single("k"u8.ToArray(), "stale"u8.ToArray()), acks: 1), 9);
                var partition = Assert.Single(Assert.Single(produced.Responses).Partitions);
                Assert.True(partition.ErrorCode != FastLog.Protocol.ErrorCode.None, $"broker {stale}, alone, took a write at offset {partition.BaseOffset} as leader by its stale image");
                await Task.Delay(250);
            }
        }

        foreach (var id in others)
        {
            await cluster.StartAsync(id);
        }

        var (_, epoch) = await LeaderAsync(cluster, leadersByEpoch, p => p.LeaderId > 0, brokers: 3);
        Assert.True(epoch >= movedEpoch, $"leader epoch {epoch} after the restart is older than {movedEpoch}");
    }

    /// <summary>The new leader stamps its epoch on what it appends, and fences a fetch that names an older one (KIP-320); refusals name the leader.</summary>
    private static async Task LeaderEpochIsUsedAsync(LocalCluster cluster, int leader, int epoch)
    {
        using var client = await KafkaClientConnection.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, cluster[leader].Port), new KafkaClientOptions());
        // acks=all: a consumer's fetch sees the batch once the ISR holds it (below the high watermark).
        var produced = await client.SendAsync<ProduceResponse>(RecordBatches.Produce("moving", RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray()), acks: -1), 9);
        var appended = Assert.Single(Assert.Single(produced.Responses).Partitions);
        Assert.Equal(FastLog.Protocol.ErrorCode.None, appended.ErrorCode);

        FetchRequest Fetch(int currentEpoch) => new()
        {
            MaxWaitMs = 0,
            Topics = [new TopicData<FetchRequest.FetchPartition> { Name = "moving", Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = appended.BaseOffset, CurrentLeaderEpoch = currentEpoch, PartitionMaxBytes = 1 << 20 }] }],
        };
        var fetched = Assert.Single(Assert.Single((await client.SendAsync<FetchResponse>(Fetch(epoch), 12)).Responses).Partitions);
        Assert.Equal(FastLog.Protocol.ErrorCode.None, fetched.ErrorCode);
        Assert.Equal(epoch, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(((MemoryRecords)fetched.Records!).Bytes.Span[FastLog.Records.RecordBatchHeader.PartitionLeaderEpochOffset..]));
        var fenced = Assert.Single(Assert.Single((await client.SendAsync<FetchResponse>(Fetch(epoch - 1), 12)).Responses).Partitions);
        Assert.Equal(FastLog.Protocol.ErrorCode.FencedLeaderEpoch, fenced.ErrorCode);
        Assert.Equal((leader, epoch), (fenced.CurrentLeader.LeaderId, fenced.CurrentLeader.LeaderEpoch));

        // A follower refuses the fetch and names the leader (KIP-951's current_leader).
        var follower = cluster.NodeIds.First(id => id != leader && cluster.IsRunning(id));
        using var toFollower = await KafkaClientConnection.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, cluster[follower].Port), new KafkaClientOptions());
        var redirected = Assert.Single(Assert.Single((await toFollower.SendAsync<FetchResponse>(Fetch(epoch), 12)).Responses).Partitions);
        Assert.Equal(FastLog.Protocol.ErrorCode.NotLeaderOrFollower, redirected.ErrorCode);
        Assert.Equal((leader, epoch), (redirected.CurrentLeader.LeaderId, redirected.CurrentLeader.LeaderEpoch));

        // So does a produce (v10), with the address to find the leader at (node_endpoints).
        var refused = await toFollower.SendAsync<ProduceResponse>(RecordBatches.Produce("moving", RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray()), acks: -1), ProduceResponse.FirstLeaderHintVersion);
        var refusedPartition = Assert.Single(Assert.Single(refused.Responses).Partitions);
        Assert.Equal(FastLog.Protocol.ErrorCode.NotLeaderOrFollower, refusedPartition.ErrorCode);
        Assert.Equal((leader, epoch), (refusedPartition.CurrentLeader.LeaderId, refusedPartition.CurrentLeader.LeaderEpoch));
        Assert.Equal((leader, cluster[leader].Port), (Assert.Single(refused.NodeEndpoints).NodeId, refused.NodeEndpoints[0].Port));
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>
    /// Partition 0 of "moving" once every running broker agrees it satisfies <paramref name="accept"/>
    /// (and lists <paramref name="brokers"/> brokers, when given); records every (epoch, leader) any
    /// broker reports and fails if one epoch is ever reported with two leaders.
    /// </summary>
    private static async Task<(int Leader, int Epoch)> LeaderAsync(LocalCluster cluster, Dictionary<int, int> leadersByEpoch, Func<MetadataResponse.MetadataResponsePartition, bool> accept, int? brokers = null)
    {
        var result = await EventuallyAsync(async () =>
        {
            var views = new List<MetadataResponse.MetadataResponsePartition>();
            foreach (var id in cluster.NodeIds.Where(cluster.IsRunning))
            {
                using var client = await KafkaClientConnection.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, cluster[id].Port), new KafkaClientOptions());
                var metadata = await client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = "moving" }], AllowAutoTopicCreation = false }, 12);
                if (brokers is { } count && metadata.Brokers.Count != count || metadata.Topics[0].Partitions.Count == 0)
                {
                    return null;
                }

                var partition = metadata.Topics[0].Partitions[0];
                if (partition.LeaderId > 0)
                {
                    Assert.True(leadersByEpoch.TryAdd(partition.LeaderEpoch, partition.LeaderId) || leadersByEpoch[partition.LeaderEpoch] == partition.LeaderId,
                        $"epoch {partition.LeaderEpoch} has two leaders: {leadersByEpoch[partition.LeaderEpoch]} and {partition.LeaderId}");
                }

                views.Add(partition);
            }

            return views.All(accept) && views.Select(v => (v.LeaderId, v.LeaderEpoch)).Distinct().Count() == 1 ? views[0] : null;
        }, "agreement on the leader of moving-0");
        return (result.LeaderId, result.LeaderEpoch);
    }
}

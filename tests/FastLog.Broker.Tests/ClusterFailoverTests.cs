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

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                if (await probe() is { } found)
                {
                    return found;
                }
            }
            catch (Exception e) when (e is KafkaException or IOException or TimeoutException)
            {
                // A broker that just died, or metadata not there yet: ask again.
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} not seen within {Patience}");
            await Task.Delay(100);
        }
    }

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
            && m.Topics.Single(t => t.Topic == "available").Partitions.All(p => p.Leader > 0 && p.Leader != controller) ? m : null), "leaders of 'available' on live brokers");
        output.WriteLine($"controller {controller} killed; controller {after.ControllerId} and leaders moved after {killed.ElapsedMilliseconds} ms");

        // Without unclean election a partition whose only in-sync replica died has no leader.
        var strict = failedOver.Topics.Single(t => t.Topic == "strict").Partitions;
        Assert.All(strict.Where(p => strictLedByController.Contains(p.PartitionId)), p => Assert.Equal(-1, p.Leader));
        Assert.All(strict.Where(p => !strictLedByController.Contains(p.PartitionId)), p => Assert.NotEqual(-1, p.Leader));

        // The survivors still create topics.
        await survivorAdmin.CreateTopicsAsync([new TopicSpecification { Name = "later", NumPartitions = 2, ReplicationFactor = 2 }]);

        // The killed broker restarts from its data directory: it is unfenced and leads its partitions of 'strict' again.
        await cluster.StartAsync(controller);
        await EventuallyAsync(() => Task.FromResult(survivorAdmin.GetMetadata(TimeSpan.FromSeconds(10)) is var m && m.Brokers.Count == 3
            && m.Topics.Single(t => t.Topic == "strict").Partitions.All(p => p.Leader > 0) ? m : null), "the restarted broker unfenced and leading");
    }
}

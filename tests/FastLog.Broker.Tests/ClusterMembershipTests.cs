using System.Net;
using Confluent.Kafka;
using FastLog.Broker.Configuration;
using FastLog.Client;
using FastLog.Host.Configuration;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>Brokers started with gossip on (127.0.0.1, ephemeral UDP ports) describe each other through Kafka's DescribeCluster.</summary>
public sealed class ClusterMembershipTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DescribeCluster_ListsEveryAliveBroker_AndDropsOneThatStops()
    {
        await using var first = await TestBroker.StartAsync(o => Gossip(o, 1, seed: null, metrics: true));
        var seed = first.Server.ClusterEndPoint!;
        await using var second = await TestBroker.StartAsync(o => Gossip(o, 2, seed));
        await using var third = await TestBroker.StartAsync(o => Gossip(o, 3, seed));
        // The Kafka DescribeCluster API (key 60), as the Java AdminClient sends it.
        using var client = await second.ConnectRawAsync();

        var cluster = await WaitForBrokers(client, 3);
        Assert.Equal((FastLog.Protocol.ErrorCode.None, "fastlog-cluster", 1), (cluster.ErrorCode, cluster.ClusterId, cluster.ControllerId));
        var expected = new[] { first, second, third }.Select((b, i) => (i + 1, "127.0.0.1", b.Server.ListenEndPoint.Port, (string?)$"rack-{i + 1}"));
        Assert.Equal(expected, cluster.Brokers.OrderBy(b => b.NodeId).Select(b => (b.NodeId, b.Host, b.Port, b.Rack)));

        // Membership only: Metadata (which librdkafka's DescribeClusterAsync reads) still names just
        // the broker asked, the leader of everything it serves.
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = third.BootstrapServers }).Build())
        {
            var described = await admin.DescribeClusterAsync();
            Assert.Equal(3, Assert.Single(described.Nodes).Id);
        }

        await third.StopAsync(); // a graceful stop leaves the cluster: no suspicion timeout to wait for
        cluster = await WaitForBrokers(client, 2);
        Assert.Equal([1, 2], cluster.Brokers.Select(b => b.NodeId).Order());

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri($"http://{first.Server.MetricsEndPoint}/metrics"));
        Assert.Contains("fastlog_cluster_members{state=\"alive\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("fastlog_cluster_members{state=\"left\"} 1", metrics, StringComparison.Ordinal);
        Assert.Matches(@"fastlog_cluster_messages_received_total [1-9]", metrics);
        Assert.Contains("fastlog_cluster_messages_dropped_total{reason=\"malformed\"} 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterSettings_ComeFromServerProperties_AndSeedsNeedAListenAddress()
    {
        var options = new BrokerOptions();
        Assert.True(BrokerOptionsLoader.Apply(options, "fastlog.cluster.listen", "10.0.0.1:7946"));
        Assert.True(BrokerOptionsLoader.Apply(options, "fastlog.cluster.seeds", "10.0.0.2:7946, broker-3:7946"));
        Assert.True(BrokerOptionsLoader.Apply(options, "broker.rack", "eu-1a"));
        Assert.Equal(new HostPort("10.0.0.1", 7946), options.ClusterListen);
        Assert.Equal([new HostPort("10.0.0.2", 7946), new HostPort("broker-3", 7946)], options.ClusterSeeds);
        Assert.Equal("eu-1a", options.Rack);
        options.Validate();

        options.ClusterListen = null;
        Assert.Throws<ArgumentException>(options.Validate);
    }

    private static void Gossip(BrokerOptions options, int nodeId, IPEndPoint? seed, bool metrics = false)
    {
        options.NodeId = nodeId;
        options.Rack = $"rack-{nodeId}";
        options.ClusterListen = new HostPort("127.0.0.1", 0);
        options.ClusterSeeds = seed is null ? [] : [new HostPort("127.0.0.1", seed.Port)];
        options.MetricsListen = metrics ? new HostPort("127.0.0.1", 0) : null;
    }

    internal static async Task<DescribeClusterResponse> WaitForBrokers(KafkaClientConnection client, int count)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var cluster = await client.SendAsync<DescribeClusterResponse>(new DescribeClusterRequest(), version: 1);
            if (cluster.Brokers.Count == count)
            {
                return cluster;
            }

            Assert.True(DateTime.UtcNow < deadline, $"DescribeCluster still lists {cluster.Brokers.Count} brokers, not {count}");
            await Task.Delay(100);
        }
    }
}

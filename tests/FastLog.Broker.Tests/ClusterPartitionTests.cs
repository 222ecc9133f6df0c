using System.Net;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Client;
using FastLog.Protocol;
using FastLog.Testing;
using Xunit.Abstractions;

namespace FastLog.Broker.Tests;

/// <summary>
/// Three broker processes, each in its own network namespace (root only: veth pairs on a bridge,
/// cuts made with blackhole routes), and one of them cut off from the other two: the majority
/// keeps a controller, fences the cut-off broker and moves its leadership; whatever each side
/// believes meanwhile, no leader epoch of a partition ever has two leaders; once healed, all
/// three agree again and the broker is unfenced.
/// </summary>
public sealed class ClusterPartitionTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _root = Directory.CreateTempSubdirectory("fastlog-partition-").FullName;
    private readonly Dictionary<(int Partition, int Epoch), int> _leaders = [];

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_broker_cut_off_is_fenced_by_the_majority_and_no_epoch_ever_has_two_leaders()
    {
        if (!NetworkNamespaces.Available)
        {
            output.WriteLine("skipped: network namespaces need root and the ip tool");
            return;
        }

        using var network = NetworkNamespaces.Create(3);
        using var cluster = await LocalCluster.StartAsync(_root, 3, network);
        var all = cluster.NodeIds.ToArray();
        await AgreeAsync(cluster, all, v => v.Brokers.Count == 3, "three registered brokers");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "split", NumPartitions = 3, ReplicationFactor = 3, Configs = new() { ["unclean.leader.election.enable"] = "true" } }]);
        }

        var before = await AgreeAsync(cluster, all, v => v.Topics.Count == 1 && v.Topics[0].Partitions.All(p => p.LeaderId > 0), "leaders of split");
        var cutOff = before.Topics[0].Partitions[0].LeaderId;
        var majority = all.Where(id => id != cutOff).ToArray();

        network.Isolate(cutOff);
        var during = await AgreeAsync(cluster, majority, v => v.Brokers.Count == 2 && v.ControllerId != cutOff
            && v.Topics[0].Partitions.All(p => p.LeaderId > 0 && p.LeaderId != cutOff), $"the majority without broker {cutOff}");
        Assert.True(during.Topics[0].Partitions[0].LeaderEpoch > before.Topics[0].Partitions[0].LeaderEpoch);
        // The cut-off broker still answers from its last image; its claims are checked against the
        // majority's, epoch by epoch, in every view taken.
        await ViewAsync(cluster, cutOff);

        network.Heal();
        var healed = await AgreeAsync(cluster, all, v => v.Brokers.Count == 3 && v.Topics[0].Partitions.All(p => p.LeaderId > 0), "all three again");
        output.WriteLine($"cut off broker {cutOff}; controller during {during.ControllerId}, after {healed.ControllerId}; epochs seen: {string.Join(", ", _leaders.Select(l => $"{l.Key.Partition}@{l.Key.Epoch}={l.Value}"))}");
    }

    /// <summary>Metadata for "split" from every broker in <paramref name="nodes"/> until they all satisfy <paramref name="condition"/> and tell the same leaders and epochs.</summary>
    private async Task<MetadataResponse> AgreeAsync(LocalCluster cluster, int[] nodes, Func<MetadataResponse, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var views = new List<MetadataResponse>();
            foreach (var node in nodes)
            {
                if (await ViewAsync(cluster, node) is { } view)
                {
                    views.Add(view);
                }
            }

            if (views.Count == nodes.Length && views.All(condition)
                && views.Select(v => string.Join(";", v.Topics.SelectMany(t => t.Partitions).Select(p => $"{p.LeaderId}@{p.LeaderEpoch}"))).Distinct().Count() == 1)
            {
                return views[0];
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} not seen within {Patience}");
            await Task.Delay(200);
        }
    }

    /// <summary>One broker's Metadata (null when it does not answer), every (partition, epoch, leader) it names checked against all seen before.</summary>
    private async Task<MetadataResponse?> ViewAsync(LocalCluster cluster, int node)
    {
        try
        {
            using var client = await KafkaClientConnection.ConnectAsync(new IPEndPoint(IPAddress.Parse(cluster.Host(node)), cluster[node].Port), new KafkaClientOptions { ResponseTimeout = TimeSpan.FromSeconds(5) });
            var view = await client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = "split" }], AllowAutoTopicCreation = false }, 12);
            foreach (var p in view.Topics.SelectMany(t => t.Partitions).Where(p => p.LeaderId > 0))
            {
                Assert.True(_leaders.TryAdd((p.PartitionIndex, p.LeaderEpoch), p.LeaderId) || _leaders[(p.PartitionIndex, p.LeaderEpoch)] == p.LeaderId,
                    $"split-{p.PartitionIndex} epoch {p.LeaderEpoch} has two leaders: {_leaders[(p.PartitionIndex, p.LeaderEpoch)]} and {p.LeaderId} (told by broker {node})");
            }

            return view;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return null;
        }
    }
}

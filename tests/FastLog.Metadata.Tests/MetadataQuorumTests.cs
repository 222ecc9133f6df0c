using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using FastLog.Metadata.Controller;
using FastLog.Metadata.Image;
using FastLog.Metadata.Quorum;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastLog.Metadata.Tests;

/// <summary>Three quorum members in one process on 127.0.0.1 (ephemeral ports), with short election timeouts.</summary>
public sealed class MetadataQuorumTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastlog-quorum-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<int, MetadataQuorum> _nodes = [];
    private Dictionary<int, IPEndPoint> _voters = [];

    public async Task InitializeAsync()
    {
        _voters = Enumerable.Range(1, 3).ToDictionary(id => id, _ => new IPEndPoint(IPAddress.Loopback, FreePort()));
        foreach (var id in _voters.Keys)
        {
            await StartAsync(id);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    private async Task StartAsync(int id) => _nodes[id] = await MetadataQuorum.StartAsync(
        new QuorumOptions
        {
            NodeId = id,
            Voters = _voters,
            BindEndPoint = _voters[id],
            Directory = Path.Combine(_root, $"node-{id}"),
            LowerElectionTimeout = TimeSpan.FromMilliseconds(500),
            UpperElectionTimeout = TimeSpan.FromMilliseconds(1000),
        },
        NullLoggerFactory.Instance);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task<MetadataQuorum> ControllerAsync(IEnumerable<MetadataQuorum> among)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            if (among.FirstOrDefault(n => n.IsController) is { } controller)
            {
                return controller;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static Func<MetadataImage, IReadOnlyList<Records.MetadataRecord>> CreateTopic(string name) => image =>
    {
        var withBrokers = image.Brokers.Count > 0 ? [] : ControllerLogic.ReconcileMembership(image, Enumerable.Range(1, 3).Select(id =>
            new MemberStatus(id, 0, "127.0.0.1", 9000 + id, $"127.0.0.1:{8000 + id}", null, Alive: true, Gone: false)), _ => false);
        var registered = image.Apply(withBrokers, image.Offset);
        return [.. withBrokers, .. ControllerLogic.CreateTopic(registered, new TopicCreation(name, 3, 3, ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)), Guid.NewGuid())];
    };

    [Fact]
    public async Task A_committed_topic_reaches_every_member_and_survives_the_controller()
    {
        var controller = await ControllerAsync(_nodes.Values);
        var created = await controller.SubmitAsync(CreateTopic("first"));
        var topicId = created.TopicsByName["first"].TopicId;

        using var timeout = new CancellationTokenSource(Patience);
        foreach (var node in _nodes.Values)
        {
            var image = await node.WaitForAsync(i => i.TopicsByName.ContainsKey("first"), timeout.Token);
            Assert.Equal(topicId, image.TopicsByName["first"].TopicId);
            Assert.Equal(created.TopicsByName["first"].Partitions, image.TopicsByName["first"].Partitions);
        }

        // A follower refuses to decide (unless an election made it the controller meanwhile, on a loaded machine).
        var follower = _nodes.Values.First(n => !n.IsController);
        try
        {
            await follower.SubmitAsync(_ => []);
            Assert.True(follower.IsController, "a follower decided");
        }
        catch (ControllerException e)
        {
            Assert.Equal(ControllerError.NotController, e.Error);
        }

        // The controller stops: the two others elect one of them, which still knows the topic and can add another.
        var oldId = _nodes.Single(n => ReferenceEquals(n.Value, controller)).Key;
        await controller.DisposeAsync();
        _nodes.Remove(oldId);
        var next = await ControllerAsync(_nodes.Values);
        Assert.True(next.Image.TopicsByName.ContainsKey("first"));
        await next.SubmitAsync(CreateTopic("second"));

        // The old controller restarts from its log and catches up with what it missed.
        await StartAsync(oldId);
        var rejoined = await _nodes[oldId].WaitForAsync(i => i.TopicsByName.ContainsKey("second"), timeout.Token);
        Assert.Equal(topicId, rejoined.TopicsByName["first"].TopicId);
        Assert.NotEqual(oldId, _nodes[oldId].ControllerId);
    }
}

using System.Net;
using System.Text;

namespace FastLog.Cluster.Tests;

public sealed class BroadcastQueueTests
{
    private static readonly GossipOptions Options = new()
    {
        ClusterId = "c",
        NodeId = 1,
        GossipEndPoint = new IPEndPoint(IPAddress.Loopback, 7946),
        KafkaHost = "h",
        KafkaPort = 9092,
    };

    [Fact]
    public void EachUpdate_IsSentUpToTheRetransmitLimit_ThenDropped()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue(Record(2, 0));

        Assert.Equal([2], Fill(queue, limit: 3));
        Assert.Equal([2], Fill(queue, limit: 3));
        Assert.Equal([2], Fill(queue, limit: 3));
        Assert.Empty(Fill(queue, limit: 3));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void ANewerUpdate_ReplacesThePendingOne_AndStartsCountingAgain()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue(Record(2, 0));
        Fill(queue, limit: 2);
        queue.Enqueue(Record(2, 1));

        var message = FillMessage(queue, limit: 2);
        Assert.Equal(1u, Assert.Single(message).Incarnation);
        Assert.Single(Fill(queue, limit: 2));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void FreshUpdatesGoFirst_AndWhatDoesNotFitWaits()
    {
        var queue = new BroadcastQueue();
        var big = new string('x', 255);
        for (int id = 2; id <= 7; id++)
        {
            queue.Enqueue(Record(id, 0) with { KafkaHost = big, Rack = big }); // ~540 bytes each: two per 1400-byte datagram
        }

        Assert.Equal([2, 3], Fill(queue, limit: 5));
        Assert.Equal([4, 5], Fill(queue, limit: 5));
        queue.Enqueue(Record(8, 0));
        Assert.Equal([6, 7, 8], Fill(queue, limit: 5)); // never sent: 6, 7 and 8 (small) before 2..5 again
    }

    private static List<int> Fill(BroadcastQueue queue, int limit) => FillMessage(queue, limit).Select(r => r.NodeId).ToList();

    private static IReadOnlyList<MemberRecord> FillMessage(BroadcastQueue queue, int limit)
    {
        var writer = new GossipWriter(Options);
        writer.Begin(GossipMessageType.Ping, 1);
        queue.FillMessage(writer, limit);
        Assert.Equal(GossipDecodeStatus.Ok, GossipCodec.TryDecode(writer.Finish(), Encoding.UTF8.GetBytes("c"), out var message));
        return message!.Records;
    }

    private static MemberRecord Record(int nodeId, uint incarnation) =>
        new(nodeId, incarnation, MemberState.Alive, nodeId, new IPEndPoint(IPAddress.Loopback, 7946), "h", 9092, null);
}

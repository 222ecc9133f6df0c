using System.Buffers.Binary;
using System.Net;
using System.Text;
using FastLog.Core;

namespace FastLog.Cluster.Tests;

public sealed class GossipCodecTests
{
    private static readonly byte[] ClusterId = Encoding.UTF8.GetBytes("orders");

    private static readonly GossipOptions Sender = new()
    {
        ClusterId = "orders",
        NodeId = 7,
        GossipEndPoint = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 7946),
        KafkaHost = "b7.example",
        KafkaPort = 9092,
    };

    private static readonly MemberRecord V4Member = new(3, 42, MemberState.Suspect, 7, new IPEndPoint(IPAddress.Parse("10.1.2.4"), 7946), "b3.example", 9093, "rack-a");
    private static readonly MemberRecord V6Member = new(-1, uint.MaxValue, MemberState.Left, -1, new IPEndPoint(IPAddress.Parse("fe80::1"), 65535), "ünïcode-host", 0, null);

    [Theory]
    [InlineData("Ping")]
    [InlineData("Ack")]
    [InlineData("PingReq")]
    [InlineData("Sync")]
    public void EveryMessageType_RoundTrips(string typeName)
    {
        var type = Enum.Parse<GossipMessageType>(typeName);
        var writer = new GossipWriter(Sender);
        writer.Begin(type, 123456, target: type == GossipMessageType.PingReq ? V6Member : null, replyWanted: type == GossipMessageType.Sync);
        Assert.True(writer.TryAppend(V4Member));
        Assert.True(writer.TryAppend(V6Member));

        var status = GossipCodec.TryDecode(writer.Finish(), ClusterId, out var message);

        Assert.Equal(GossipDecodeStatus.Ok, status);
        Assert.Equal((type, 7, Sender.GossipEndPoint, 123456u), (message!.Type, message.SenderId, message.SenderEndPoint, message.Sequence));
        Assert.Equal([V4Member, V6Member], message.Records);
        Assert.Equal(type == GossipMessageType.Sync, message.ReplyWanted);
        if (type == GossipMessageType.PingReq)
        {
            Assert.Equal((-1, V6Member.GossipEndPoint), (message.TargetId, message.TargetEndPoint));
        }
    }

    [Fact]
    public void Header_FollowsTheByteDiagram()
    {
        var writer = new GossipWriter(Sender);
        writer.Begin(GossipMessageType.Ping, 9);
        var datagram = writer.Finish().ToArray();

        // magic "FL", version 1, type 1, cluster id "orders", sender 7, IPv4 10.1.2.3:7946, sequence 9, 0 records, CRC-32C.
        byte[] expectedHead = [0x46, 0x4C, 1, 1, 6, .. "orders"u8, 0, 0, 0, 7, 4, 10, 1, 2, 3, 0x1F, 0x0A, 0, 0, 0, 9, 0];
        Assert.Equal(expectedHead, datagram[..^4]);
        Assert.Equal(Crc32C.Compute(expectedHead), BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(datagram.Length - 4)));
    }

    [Fact]
    public void Writer_KeepsEveryDatagramWithinTheLimit_AndLeavesWhatDoesNotFitForTheNextMessage()
    {
        var writer = new GossipWriter(Sender with { MaxDatagramBytes = GossipCodec.MinimumDatagramBytes });
        writer.Begin(GossipMessageType.Sync, 0);
        var big = V4Member with { KafkaHost = new string('k', 255), Rack = new string('r', 255) };
        int appended = 0;
        while (writer.TryAppend(big with { NodeId = appended }))
        {
            appended++;
        }

        var datagram = writer.Finish();
        Assert.True(appended >= 1);
        Assert.True(datagram.Length <= GossipCodec.MinimumDatagramBytes);
        Assert.Equal(GossipDecodeStatus.Ok, GossipCodec.TryDecode(datagram, ClusterId, out var message));
        Assert.Equal(appended, message!.Records.Count);
    }

    [Fact]
    public void EveryTruncation_IsDroppedAsMalformed()
    {
        var datagram = SampleDatagram();
        for (int length = 0; length < datagram.Length; length++)
        {
            Assert.Equal(GossipDecodeStatus.Malformed, GossipCodec.TryDecode(datagram.AsSpan(0, length), ClusterId, out _));
        }
    }

    [Fact]
    public void EveryBitFlip_IsDetected()
    {
        var datagram = SampleDatagram();
        for (int bit = 0; bit < datagram.Length * 8; bit++)
        {
            var corrupt = (byte[])datagram.Clone();
            corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            var status = GossipCodec.TryDecode(corrupt, ClusterId, out _);
            Assert.Equal(bit / 8 == 2 ? GossipDecodeStatus.UnsupportedVersion : GossipDecodeStatus.Malformed, status);
        }
    }

    [Fact]
    public void AnotherVersion_AndAnotherCluster_AreToldApart()
    {
        var datagram = SampleDatagram();
        Assert.Equal(GossipDecodeStatus.ForeignCluster, GossipCodec.TryDecode(datagram, "billing"u8, out _));
        datagram[2] = 2;
        Assert.Equal(GossipDecodeStatus.UnsupportedVersion, GossipCodec.TryDecode(datagram, ClusterId, out _));
    }

    [Fact]
    public void ValidChecksum_OverInconsistentFields_IsMalformed()
    {
        // Unknown type, unknown state, unknown address family, empty Kafka host, unknown Sync flag, trailing byte:
        // each is re-checksummed, so only the field checks can reject it.
        var datagram = SampleDatagram();
        int typeAt = 3;
        int recordStateAt = RecordOffset(datagram) + 8;
        int recordFamilyAt = recordStateAt + 1 + 4;
        int recordHostLengthAt = recordFamilyAt + 7;
        foreach (var (at, value) in new[] { (typeAt, (byte)9), (recordStateAt, (byte)4), (recordFamilyAt, (byte)5), (recordHostLengthAt, (byte)0) })
        {
            var bad = (byte[])datagram.Clone();
            bad[at] = value;
            Assert.Equal(GossipDecodeStatus.Malformed, GossipCodec.TryDecode(Resealed(bad), ClusterId, out _));
        }

        var trailing = datagram[..^4].Append((byte)0).Concat(new byte[4]).ToArray();
        Assert.Equal(GossipDecodeStatus.Malformed, GossipCodec.TryDecode(Resealed(trailing), ClusterId, out _));

        var writer = new GossipWriter(Sender);
        writer.Begin(GossipMessageType.Sync, 0);
        var sync = writer.Finish().ToArray();
        sync[^6] = 0x80; // the Sync flags byte, just before the record count
        Assert.Equal(GossipDecodeStatus.Malformed, GossipCodec.TryDecode(Resealed(sync), ClusterId, out _));
    }

    [Fact]
    public void Fuzz_RandomAndMutatedDatagrams_NeverThrow()
    {
        var random = new Random(12345);
        var valid = SampleDatagram();
        var counts = new Dictionary<GossipDecodeStatus, int>();
        for (int i = 0; i < 20_000; i++)
        {
            byte[] datagram;
            if (i % 2 == 0)
            {
                datagram = new byte[random.Next(0, 1500)];
                random.NextBytes(datagram);
            }
            else
            {
                // A valid message with random bytes overwritten and the checksum fixed, so the parser itself is exercised.
                datagram = (byte[])valid.Clone();
                for (int n = random.Next(1, 6); n > 0; n--)
                {
                    datagram[random.Next(4, datagram.Length - 4)] = (byte)random.Next(256);
                }

                datagram = Resealed(datagram);
            }

            var status = GossipCodec.TryDecode(datagram, ClusterId, out var message);
            Assert.Equal(status == GossipDecodeStatus.Ok, message is not null);
            counts[status] = counts.GetValueOrDefault(status) + 1;
        }

        Assert.True(counts[GossipDecodeStatus.Malformed] > 10_000);
        Assert.True(counts.GetValueOrDefault(GossipDecodeStatus.Ok) > 0, "some mutations still parse (e.g. a changed port)");
    }

    [Fact]
    public void GarbageReceived_IsCountedAndChangesNothing()
    {
        var transport = new RecordingTransport();
        var node = new GossipNode(Sender, transport, new Random(1));
        node.Start(0);
        int sentAtStart = transport.Sent;
        var random = new Random(99);

        for (int i = 0; i < 1000; i++)
        {
            var garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            node.Receive(garbage, 10);
        }

        var wrongVersion = SampleDatagram();
        wrongVersion[2] = 9;
        node.Receive(wrongVersion, 10);
        var writer = new GossipWriter(Sender with { ClusterId = "billing", NodeId = 8 });
        writer.Begin(GossipMessageType.Ping, 1);
        node.Receive(writer.Finish(), 10);

        Assert.Equal((1000, 1, 1), (node.Counters.DroppedMalformed, node.Counters.DroppedVersion, node.Counters.DroppedForeignCluster));
        Assert.Equal(1002, node.Counters.Received);
        Assert.Equal(sentAtStart, transport.Sent); // nothing was answered
        Assert.Equal([7], node.View.Members.Select(m => m.NodeId));
    }

    private static byte[] SampleDatagram()
    {
        var writer = new GossipWriter(Sender);
        writer.Begin(GossipMessageType.Ping, 77);
        writer.TryAppend(V4Member);
        return writer.Finish().ToArray();
    }

    /// <summary>Where the first record starts in a Ping from <see cref="Sender"/> (IPv4): header + record count.</summary>
    private static int RecordOffset(byte[] datagram) => 5 + datagram[4] + 4 + 7 + 4 + 1;

    private static byte[] Resealed(byte[] datagram)
    {
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(datagram.Length - 4), Crc32C.Compute(datagram.AsSpan(0, datagram.Length - 4)));
        return datagram;
    }

    private sealed class RecordingTransport : IGossipTransport
    {
        public int Sent { get; private set; }

        public void Send(IPEndPoint destination, ReadOnlySpan<byte> datagram) => Sent++;
    }
}

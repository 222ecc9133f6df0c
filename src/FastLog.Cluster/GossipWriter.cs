using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastLog.Core;

namespace FastLog.Cluster;

/// <summary>
/// Builds one datagram at a time into a reused buffer of at most <see cref="GossipOptions.MaxDatagramBytes"/>
/// (layout in <see cref="GossipCodec"/>): <see cref="Begin"/> writes the header, <see cref="TryAppend"/>
/// adds records while they fit (an update that does not fit waits for the next message), and
/// <see cref="Finish"/> patches the record count and appends the checksum. Used on the gossip shard only.
/// </summary>
internal sealed class GossipWriter
{
    private const int MaxRecords = byte.MaxValue;

    private readonly byte[] _buffer;
    private readonly byte[] _clusterId;
    private readonly int _senderId;
    private readonly IPEndPoint _sender;
    private int _length;
    private int _countAt;

    public GossipWriter(GossipOptions options)
    {
        _buffer = new byte[options.MaxDatagramBytes];
        _clusterId = Encoding.UTF8.GetBytes(options.ClusterId);
        _senderId = options.NodeId;
        _sender = options.GossipEndPoint;
    }

    /// <summary>Records appended since <see cref="Begin"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Starts a message. <paramref name="target"/> is PingReq's target; <paramref name="replyWanted"/> is Sync's flag.</summary>
    public void Begin(GossipMessageType type, uint sequence, MemberRecord? target = null, bool replyWanted = false)
    {
        _length = 0;
        Count = 0;
        BinaryPrimitives.WriteUInt16BigEndian(Take(2), GossipCodec.Magic);
        Take(1)[0] = GossipCodec.Version;
        Take(1)[0] = (byte)type;
        Take(1)[0] = (byte)_clusterId.Length;
        _clusterId.CopyTo(Take(_clusterId.Length));
        BinaryPrimitives.WriteInt32BigEndian(Take(4), _senderId);
        WriteEndPoint(_sender);
        BinaryPrimitives.WriteUInt32BigEndian(Take(4), sequence);
        switch (type)
        {
            case GossipMessageType.PingReq:
                var pingTarget = target ?? throw new ArgumentNullException(nameof(target), "A PingReq names its target.");
                BinaryPrimitives.WriteInt32BigEndian(Take(4), pingTarget.NodeId);
                WriteEndPoint(pingTarget.GossipEndPoint);
                break;
            case GossipMessageType.Sync:
                Take(1)[0] = GossipCodec.ReplyWantedFlagFor(replyWanted);
                break;
        }

        _countAt = _length;
        Take(1)[0] = 0;
    }

    /// <summary>Appends <paramref name="record"/> if it fits (with the checksum) under the datagram limit.</summary>
    public bool TryAppend(MemberRecord record)
    {
        if (Count == MaxRecords || _length + GossipCodec.RecordSize(record) + GossipCodec.ChecksumBytes > _buffer.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteInt32BigEndian(Take(4), record.NodeId);
        BinaryPrimitives.WriteUInt32BigEndian(Take(4), record.Incarnation);
        Take(1)[0] = (byte)record.State;
        BinaryPrimitives.WriteInt32BigEndian(Take(4), record.ReportedBy);
        WriteEndPoint(record.GossipEndPoint);
        WriteShortString(record.KafkaHost);
        BinaryPrimitives.WriteUInt16BigEndian(Take(2), (ushort)record.KafkaPort);
        WriteShortString(record.Rack ?? "");
        Count++;
        return true;
    }

    /// <summary>The finished datagram; valid until the next <see cref="Begin"/>.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        _buffer[_countAt] = (byte)Count;
        uint crc = Crc32C.Compute(_buffer.AsSpan(0, _length));
        BinaryPrimitives.WriteUInt32BigEndian(Take(4), crc);
        return _buffer.AsSpan(0, _length);
    }

    private Span<byte> Take(int count)
    {
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void WriteEndPoint(IPEndPoint endPoint)
    {
        bool v6 = endPoint.AddressFamily == AddressFamily.InterNetworkV6;
        Take(1)[0] = v6 ? (byte)6 : (byte)4;
        endPoint.Address.TryWriteBytes(Take(v6 ? 16 : 4), out _);
        BinaryPrimitives.WriteUInt16BigEndian(Take(2), (ushort)endPoint.Port);
    }

    private void WriteShortString(string value)
    {
        int length = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 1));
        Take(1)[0] = (byte)length;
        _length += length;
    }
}

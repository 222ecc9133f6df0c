using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastLog.Core;

namespace FastLog.Cluster;

/// <summary>
/// The gossip datagram, version 1. Big-endian, like Kafka. One datagram is one message.
/// <code>
/// offset  size  field
/// 0       2     magic 0x464C ("FL")
/// 2       1     version (1)
/// 3       1     type: 1 Ping, 2 Ack, 3 PingReq, 4 Sync
/// 4       1+C   cluster id: u8 length C (1..255), UTF-8
/// .       4     sender node id (i32)
/// .       3+A   sender gossip endpoint: u8 family (4 | 6), A = 4 | 16 address bytes, u16 port
/// .       4     sequence (u32; Ping/Ack/PingReq: probe sequence, Sync: 0)
/// .       ...   body: PingReq: target node id (i32) + target endpoint; Sync: u8 flags (bit 0 = reply wanted);
///               Ping, Ack: nothing
/// .       1     record count R (0..255)
/// .       ...   R member records:
///                 node id i32 | incarnation u32 | state u8 (0 Alive, 1 Suspect, 2 Dead, 3 Left)
///                 | reported by i32 (node id) | gossip endpoint (as above) | u8 length + Kafka host (UTF-8, 1..255)
///                 | u16 Kafka port | u8 length + rack (UTF-8, 0 = no rack)
/// end-4   4     CRC-32C of every byte before it
/// </code>
/// Magic and version are checked before the checksum, so a future version with another layout is
/// counted as a version mismatch, not as garbage; the cluster id is checked before the rest is
/// parsed. Anything that does not parse exactly (short, long, unknown values) is dropped whole.
/// </summary>
internal static class GossipCodec
{
    public const ushort Magic = 0x464C;
    public const byte Version = 1;
    public const int MaxStringBytes = 255;
    public const int ChecksumBytes = 4;
    public const int MaxEndPointBytes = 1 + 16 + 2;
    public const int MaxRecordBytes = 4 + 4 + 1 + 4 + MaxEndPointBytes + 1 + MaxStringBytes + 2 + 1 + MaxStringBytes;

    /// <summary>Header with the longest cluster id, an IPv6 sender and a PingReq body, plus the record count.</summary>
    public const int MaxHeaderBytes = 2 + 1 + 1 + 1 + MaxStringBytes + 4 + MaxEndPointBytes + 4 + 4 + MaxEndPointBytes + 1;

    /// <summary>The smallest datagram limit that still fits any one record after any header.</summary>
    public const int MinimumDatagramBytes = MaxHeaderBytes + MaxRecordBytes + ChecksumBytes;

    private const int MinimumBytes = 2 + 1 + 1 + 1 + 1 + 4 + 7 + 4 + 1 + ChecksumBytes;
    private const byte ReplyWantedFlag = 1;

    public static GossipDecodeStatus TryDecode(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> clusterIdUtf8, out GossipMessage? message)
    {
        message = null;
        if (datagram.Length < MinimumBytes || BinaryPrimitives.ReadUInt16BigEndian(datagram) != Magic)
        {
            return GossipDecodeStatus.Malformed;
        }

        if (datagram[2] != Version)
        {
            return GossipDecodeStatus.UnsupportedVersion;
        }

        var body = datagram[..^ChecksumBytes];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32BigEndian(datagram[^ChecksumBytes..]))
        {
            return GossipDecodeStatus.Malformed;
        }

        var reader = new GossipReader(body[3..]);
        var type = (GossipMessageType)reader.Byte();
        if (!reader.Bytes(reader.Byte()).SequenceEqual(clusterIdUtf8))
        {
            return reader.Failed ? GossipDecodeStatus.Malformed : GossipDecodeStatus.ForeignCluster;
        }

        int senderId = reader.Int32();
        var sender = reader.EndPoint();
        uint sequence = reader.UInt32();
        int targetId = 0;
        IPEndPoint? target = null;
        bool replyWanted = false;
        switch (type)
        {
            case GossipMessageType.Ping or GossipMessageType.Ack:
                break;
            case GossipMessageType.PingReq:
                targetId = reader.Int32();
                target = reader.EndPoint();
                break;
            case GossipMessageType.Sync:
                byte flags = reader.Byte();
                replyWanted = (flags & ReplyWantedFlag) != 0;
                reader.Require((flags & ~ReplyWantedFlag) == 0);
                break;
            default:
                return GossipDecodeStatus.Malformed;
        }

        int count = reader.Byte();
        var records = new List<MemberRecord>(count);
        for (int i = 0; i < count && !reader.Failed; i++)
        {
            records.Add(reader.Record());
        }

        if (reader.Failed || !reader.AtEnd || sender is null)
        {
            return GossipDecodeStatus.Malformed;
        }

        message = new GossipMessage
        {
            Type = type,
            SenderId = senderId,
            SenderEndPoint = sender,
            Sequence = sequence,
            TargetId = targetId,
            TargetEndPoint = target,
            ReplyWanted = replyWanted,
            Records = records,
        };
        return GossipDecodeStatus.Ok;
    }

    /// <summary>Encoded size of <paramref name="record"/> (see the layout above).</summary>
    public static int RecordSize(MemberRecord record) =>
        4 + 4 + 1 + 4 + EndPointSize(record.GossipEndPoint)
        + 1 + Encoding.UTF8.GetByteCount(record.KafkaHost) + 2
        + 1 + (record.Rack is null ? 0 : Encoding.UTF8.GetByteCount(record.Rack));

    public static int EndPointSize(IPEndPoint endPoint) => endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? 19 : 7;

    public static byte ReplyWantedFlagFor(bool replyWanted) => replyWanted ? ReplyWantedFlag : (byte)0;
}

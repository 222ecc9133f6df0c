using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace FastLog.Cluster;

/// <summary>
/// Bounds-checked big-endian reads over one datagram (layout in <see cref="GossipCodec"/>). A read
/// past the end, or a value the format forbids, sets <see cref="Failed"/> and returns a default,
/// so the decoder checks once at the end instead of after every field, and garbage never throws.
/// </summary>
internal ref struct GossipReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public bool Failed { get; private set; }

    public readonly bool AtEnd => _position == _data.Length;

    public void Require(bool condition) => Failed |= !condition;

    public ReadOnlySpan<byte> Bytes(int count)
    {
        if (Failed || count > _data.Length - _position)
        {
            Failed = true;
            return default;
        }

        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    public byte Byte()
    {
        var bytes = Bytes(1);
        return bytes.IsEmpty ? (byte)0 : bytes[0];
    }

    public ushort UInt16()
    {
        var bytes = Bytes(2);
        return bytes.IsEmpty ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(bytes);
    }

    public uint UInt32()
    {
        var bytes = Bytes(4);
        return bytes.IsEmpty ? 0 : BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    public int Int32() => (int)UInt32();

    /// <summary>u8 family (4 | 6), the address, u16 port; null (and failed) for any other family.</summary>
    public IPEndPoint? EndPoint()
    {
        int length = Byte() switch
        {
            4 => 4,
            6 => 16,
            _ => -1,
        };
        Require(length > 0);
        var address = Bytes(Math.Max(length, 0));
        ushort port = UInt16();
        return Failed ? null : new IPEndPoint(new IPAddress(address), port);
    }

    /// <summary>u8 length + UTF-8; null for length 0.</summary>
    public string? ShortString()
    {
        var bytes = Bytes(Byte());
        return Failed || bytes.IsEmpty ? null : Encoding.UTF8.GetString(bytes);
    }

    public MemberRecord Record()
    {
        int nodeId = Int32();
        uint incarnation = UInt32();
        byte state = Byte();
        Require(state <= (byte)MemberState.Left);
        int reportedBy = Int32();
        var gossip = EndPoint();
        string? host = ShortString();
        Require(host is not null);
        ushort port = UInt16();
        string? rack = ShortString();
        return Failed
            ? Placeholder
            : new MemberRecord(nodeId, incarnation, (MemberState)state, reportedBy, gossip!, host!, port, rack);
    }

    /// <summary>Returned by a failed <see cref="Record"/>; the decoder discards the whole message anyway.</summary>
    private static readonly MemberRecord Placeholder = new(0, 0, MemberState.Dead, 0, new IPEndPoint(IPAddress.None, 0), "-", 0, null);
}

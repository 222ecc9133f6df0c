using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using FastLog.Core;

namespace FastLog.Metadata.Records;

/// <summary>
/// The byte form of one quorum log entry: a checksummed batch of metadata records (records that
/// must apply together, such as a topic and its partitions, travel in one entry).
/// <code>
///   entry   := format:u8 (= 1) | crc:u32 | count:u32 | record * count
///              crc = CRC-32C (Castagnoli) of every byte after the crc field
///   record  := type:u8 (MetadataRecordType) | length:u32 | body[length]
///   int32 / int64 big-endian; bool one byte (0/1); uuid 16 bytes (RFC 4122 order);
///   string  := length:i16 (-1 = null) | UTF-8 bytes; int-array := count:u32 | int32 * count;
///   configs := count:u32 | (key:string, value:string) * count
///
///   RegisterBroker   := broker:i32 incarnation:i64 kafka_host:string kafka_port:i32 gossip:string rack:string
///   BrokerFencing    := broker:i32 fenced:bool
///   UnregisterBroker := broker:i32
///   Topic            := name:string topic_id:uuid configs
///   Partition        := topic_id:uuid partition:i32 replicas:int-array isr:int-array leader:i32 leader_epoch:i32 partition_epoch:i32
///                       [adding_replicas:int-array removing_replicas:int-array]
///   RemoveTopic      := topic_id:uuid
///   TopicConfig      := topic_id:uuid configs
///   ProducerIds      := broker:i32 first_id:i64 count:i32
/// </code>
/// A record's length lets a body grow at its end: the bracketed trailing fields are written only
/// when they are not empty (a reassignment in progress), and a decoder that reaches the end of the
/// body before them reads them as empty. So entries written before they existed still decode, and
/// a log without reassignments stays readable by a FastLog that predates them.
/// The Raft engine checksums its own log too; this checksum covers FastLog's bytes end to end
/// (snapshots, forwarding), and a decoder that meets an unknown type refuses the whole entry
/// instead of skipping a fact.
/// </summary>
public static class MetadataCodec
{
    public const byte Format = 1;
    private const int HeaderLength = 1 + 4 + 4;

    public static byte[] Encode(IReadOnlyList<MetadataRecord> records)
    {
        var writer = new Writer();
        writer.U8(Format);
        writer.U32(0); // crc, filled in below
        writer.U32((uint)records.Count);
        foreach (var record in records)
        {
            writer.U8((byte)record.Type);
            var lengthAt = writer.Reserve(4);
            var start = writer.Length;
            WriteBody(writer, record);
            writer.PatchU32(lengthAt, (uint)(writer.Length - start));
        }

        var bytes = writer.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), Crc32C.Compute(bytes.AsSpan(5)));
        return bytes;
    }

    public static IReadOnlyList<MetadataRecord> Decode(ReadOnlySpan<byte> entry)
    {
        if (entry.Length < HeaderLength)
        {
            throw new MetadataCodecException($"metadata entry of {entry.Length} bytes is shorter than its {HeaderLength}-byte header");
        }

        if (entry[0] != Format)
        {
            throw new MetadataCodecException($"metadata entry format {entry[0]} is not {Format} (written by a newer FastLog?)");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(entry[1..]) != Crc32C.Compute(entry[5..]))
        {
            throw new MetadataCodecException("metadata entry checksum mismatch");
        }

        var reader = new Reader(entry[5..]);
        var count = reader.U32();
        var records = new List<MetadataRecord>((int)Math.Min(count, 1024));
        for (var i = 0u; i < count; i++)
        {
            var type = (MetadataRecordType)reader.U8();
            var length = reader.U32();
            var body = new Reader(reader.Take(length));
            records.Add(ReadBody(ref body, type));
            if (!body.AtEnd)
            {
                throw new MetadataCodecException($"{type} record has {body.Remaining} bytes more than its fields");
            }
        }

        if (!reader.AtEnd)
        {
            throw new MetadataCodecException($"metadata entry has {reader.Remaining} bytes after its {count} records");
        }

        return records;
    }

    private static void WriteBody(Writer w, MetadataRecord record)
    {
        switch (record)
        {
            case RegisterBrokerRecord r:
                w.I32(r.BrokerId); w.I64(r.Incarnation); w.Str(r.KafkaHost); w.I32(r.KafkaPort); w.Str(r.GossipEndPoint); w.Str(r.Rack);
                break;
            case BrokerFencingRecord r:
                w.I32(r.BrokerId); w.U8(r.Fenced ? (byte)1 : (byte)0);
                break;
            case UnregisterBrokerRecord r:
                w.I32(r.BrokerId);
                break;
            case TopicRecord r:
                w.Str(r.Name); w.Uuid(r.TopicId); w.Configs(r.Configs);
                break;
            case PartitionRecord r:
                w.Uuid(r.TopicId); w.I32(r.Partition); w.Ints(r.Replicas); w.Ints(r.Isr); w.I32(r.Leader); w.I32(r.LeaderEpoch); w.I32(r.PartitionEpoch);
                if (!r.AddingReplicas.IsEmpty || !r.RemovingReplicas.IsEmpty)
                {
                    w.Ints(r.AddingReplicas); w.Ints(r.RemovingReplicas);
                }

                break;
            case RemoveTopicRecord r:
                w.Uuid(r.TopicId);
                break;
            case TopicConfigRecord r:
                w.Uuid(r.TopicId); w.Configs(r.Configs);
                break;
            case ProducerIdsRecord r:
                w.I32(r.BrokerId); w.I64(r.FirstId); w.I32(r.Count);
                break;
            default:
                throw new ArgumentException($"no encoding for {record.GetType().Name}", nameof(record));
        }
    }

    private static MetadataRecord ReadBody(ref Reader r, MetadataRecordType type) => type switch
    {
        MetadataRecordType.RegisterBroker => new RegisterBrokerRecord(r.I32(), r.I64(), r.RequiredStr(), r.I32(), r.RequiredStr(), r.Str()),
        MetadataRecordType.BrokerFencing => new BrokerFencingRecord(r.I32(), r.Bool()),
        MetadataRecordType.UnregisterBroker => new UnregisterBrokerRecord(r.I32()),
        MetadataRecordType.Topic => new TopicRecord(r.RequiredStr(), r.Uuid(), r.Configs()),
        MetadataRecordType.Partition => ReadPartition(ref r),
        MetadataRecordType.RemoveTopic => new RemoveTopicRecord(r.Uuid()),
        MetadataRecordType.TopicConfig => new TopicConfigRecord(r.Uuid(), r.Configs()),
        MetadataRecordType.ProducerIds => new ProducerIdsRecord(r.I32(), r.I64(), r.I32()),
        _ => throw new MetadataCodecException($"unknown metadata record type {(byte)type}"),
    };

    private static PartitionRecord ReadPartition(ref Reader r)
    {
        var partition = new PartitionRecord(r.Uuid(), r.I32(), r.Ints(), r.Ints(), r.I32(), r.I32(), r.I32());
        return r.AtEnd ? partition : partition with { AddingReplicas = r.Ints(), RemovingReplicas = r.Ints() };
    }

    private sealed class Writer
    {
        private byte[] _buffer = new byte[256];

        public int Length { get; private set; }

        public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

        public int Reserve(int count)
        {
            var at = Length;
            Grab(count);
            return at;
        }

        public void PatchU32(int at, uint value) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(at), value);

        public void U8(byte value) => Grab(1)[0] = value;

        public void U32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grab(4), value);

        public void I32(int value) => BinaryPrimitives.WriteInt32BigEndian(Grab(4), value);

        public void I64(long value) => BinaryPrimitives.WriteInt64BigEndian(Grab(8), value);

        public void Uuid(Guid value) => value.TryWriteBytes(Grab(16), bigEndian: true, out _);

        public void Str(string? value)
        {
            if (value is null)
            {
                BinaryPrimitives.WriteInt16BigEndian(Grab(2), -1);
                return;
            }

            var length = Encoding.UTF8.GetByteCount(value);
            if (length > short.MaxValue)
            {
                throw new ArgumentException($"string of {length} bytes is too long for a metadata record", nameof(value));
            }

            BinaryPrimitives.WriteInt16BigEndian(Grab(2), (short)length);
            Encoding.UTF8.GetBytes(value, Grab(length));
        }

        public void Ints(ImmutableArray<int> values)
        {
            U32((uint)values.Length);
            foreach (var value in values)
            {
                I32(value);
            }
        }

        public void Configs(ImmutableSortedDictionary<string, string> configs)
        {
            U32((uint)configs.Count);
            foreach (var (key, value) in configs)
            {
                Str(key);
                Str(value);
            }
        }

        private Span<byte> Grab(int count)
        {
            if (Length + count > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
            }

            var span = _buffer.AsSpan(Length, count);
            Length += count;
            return span;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly bool AtEnd => _rest.IsEmpty;

        public readonly int Remaining => _rest.Length;

        public ReadOnlySpan<byte> Take(uint count)
        {
            if (count > (uint)_rest.Length)
            {
                throw new MetadataCodecException($"metadata entry truncated: {count} bytes needed, {_rest.Length} left");
            }

            var taken = _rest[..(int)count];
            _rest = _rest[(int)count..];
            return taken;
        }

        public byte U8() => Take(1)[0];

        public bool Bool() => U8() switch
        {
            0 => false,
            1 => true,
            var other => throw new MetadataCodecException($"boolean byte {other} is neither 0 nor 1"),
        };

        public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public int I32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

        public long I64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

        public Guid Uuid() => new(Take(16), bigEndian: true);

        public string? Str()
        {
            var length = BinaryPrimitives.ReadInt16BigEndian(Take(2));
            return length switch
            {
                -1 => null,
                < -1 => throw new MetadataCodecException($"string length {length} is negative"),
                _ => Encoding.UTF8.GetString(Take((uint)length)),
            };
        }

        public string RequiredStr() => Str() ?? throw new MetadataCodecException("a required string is null");

        public ImmutableArray<int> Ints()
        {
            var count = U32();
            if (count > (uint)_rest.Length / 4)
            {
                throw new MetadataCodecException($"array of {count} ints does not fit in the {_rest.Length} bytes left");
            }

            var values = ImmutableArray.CreateBuilder<int>((int)count);
            for (var i = 0u; i < count; i++)
            {
                values.Add(I32());
            }

            return values.MoveToImmutable();
        }

        public ImmutableSortedDictionary<string, string> Configs()
        {
            var count = U32();
            var configs = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            for (var i = 0u; i < count; i++)
            {
                var key = RequiredStr();
                configs[key] = RequiredStr();
            }

            return configs.ToImmutable();
        }
    }
}

using System.Collections.Immutable;
using FastLog.Metadata.Records;

namespace FastLog.Metadata.Tests;

public sealed class MetadataCodecTests
{
    private static readonly Guid TopicId = Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    internal static readonly MetadataRecord[] EveryKind =
    [
        new RegisterBrokerRecord(1, 7, "broker-1.example", 9092, "10.0.0.1:7946", "rack-a"),
        new RegisterBrokerRecord(2, 0, "127.0.0.1", 9093, "127.0.0.1:7947", null),
        new BrokerFencingRecord(1, Fenced: false),
        new UnregisterBrokerRecord(3),
        new TopicRecord("orders", TopicId, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("retention.ms", "1000")])),
        new PartitionRecord(TopicId, 0, [1, 2, 3], [1, 2], 1, 4, 9),
        new TopicConfigRecord(TopicId, ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)),
        new RemoveTopicRecord(TopicId),
        new ProducerIdsRecord(2, 5000, 1000),
    ];

    [Fact]
    public void Every_record_kind_round_trips()
    {
        var decoded = MetadataCodec.Decode(MetadataCodec.Encode(EveryKind));

        Assert.Equal(EveryKind, decoded);
    }

    [Fact]
    public void The_layout_matches_the_byte_diagram()
    {
        var bytes = MetadataCodec.Encode([new BrokerFencingRecord(258, Fenced: true)]);

        // format 1 | crc (4) | count 1 | type 2 (BrokerFencing) | length 5 | broker 258 | fenced 1
        Assert.Equal([1], bytes[..1]);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 2, 0, 0, 0, 5, 0, 0, 1, 2, 1 }, bytes[5..]);
        Assert.Equal(FastLog.Core.Crc32C.Compute(bytes.AsSpan(5)), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)));
    }

    [Fact]
    public void Every_truncation_is_refused()
    {
        var bytes = MetadataCodec.Encode(EveryKind);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<MetadataCodecException>(() => MetadataCodec.Decode(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Every_flipped_byte_is_refused()
    {
        var bytes = MetadataCodec.Encode(EveryKind);
        for (var i = 0; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x10;
            Assert.Throws<MetadataCodecException>(() => MetadataCodec.Decode(damaged));
        }
    }

    [Fact]
    public void An_unknown_record_type_is_refused_not_skipped()
    {
        var bytes = MetadataCodec.Encode([new UnregisterBrokerRecord(1)]);
        bytes[9] = 200; // the record's type
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), FastLog.Core.Crc32C.Compute(bytes.AsSpan(5)));

        var e = Assert.Throws<MetadataCodecException>(() => MetadataCodec.Decode(bytes));
        Assert.Contains("unknown metadata record type 200", e.Message, StringComparison.Ordinal);
    }
}

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
        new PartitionRecord(TopicId, 1, [2, 3, 1], [1, 2], 1, 4, 9) { AddingReplicas = [3], RemovingReplicas = [1] },
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
    public void A_partition_record_without_a_reassignment_keeps_the_format_that_predates_reassignments()
    {
        var record = new PartitionRecord(TopicId, 0, [1], [1], 1, 0, 0);
        var bytes = MetadataCodec.Encode([record]);

        // format | crc | count | type | length | uuid (16) partition (4) replicas (4+4) isr (4+4) leader epochs (12): no trailing fields
        Assert.Equal(16 + 4 + 8 + 8 + 12, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1 + 4 + 4 + 1)));
        Assert.Equal(record, MetadataCodec.Decode(bytes).Single());
    }

    [Fact]
    public void A_partition_record_body_that_ends_before_the_reassignment_fields_decodes_with_none()
    {
        var reassigning = new PartitionRecord(TopicId, 0, [2, 1], [1], 1, 0, 3) { AddingReplicas = [2], RemovingReplicas = [1] };
        var bytes = MetadataCodec.Encode([reassigning]);
        // Cut the two trailing arrays (4+4 and 4+4 bytes) off the body and fix its length and the checksum, as an older FastLog wrote it.
        var old = bytes[..^16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(old.AsSpan(1 + 4 + 4 + 1), (uint)(old.Length - (1 + 4 + 4 + 1 + 4)));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(old.AsSpan(1), FastLog.Core.Crc32C.Compute(old.AsSpan(5)));

        var decoded = (PartitionRecord)MetadataCodec.Decode(old).Single();

        Assert.Equal(reassigning with { AddingReplicas = [], RemovingReplicas = [] }, decoded);
        Assert.Empty(decoded.AddingReplicas);
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

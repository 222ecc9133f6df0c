using FastLog.Broker.Groups;
using FastLog.Broker.Partitions;
using FastLog.Records;

namespace FastLog.Broker.Tests;

/// <summary>The offsets log's record format: valid RecordBatch v2 that decodes back to the same records.</summary>
public sealed class GroupOffsetsLogTests
{
    [Fact]
    public void Batch_IsAValidRecordBatch_AndDecodesToTheSameRecords()
    {
        var commit = new CommittedOffset(123_456_789_012, 7, "metadata ✓", 1_700_000_000_000);
        var noMetadata = commit with { Metadata = null, LeaderEpoch = -1 };
        var records = new List<KeyValueRecord>
        {
            new(OffsetCommitRecord.EncodeKey("group-é", new TopicPartition("orders", 3)), OffsetCommitRecord.EncodeValue(commit)),
            new(OffsetCommitRecord.EncodeKey("g", new TopicPartition("t", 0)), OffsetCommitRecord.EncodeValue(noMetadata)),
            new(OffsetCommitRecord.EncodeKey("g", new TopicPartition(new string('t', 200), 1)), null),
        };
        var batch = new RecordBatchBuilder { FirstTimestamp = 1_700_000_000_000 }.Build(records);
        Assert.True(RecordBatchValidator.ValidateForAppend(batch, 1 << 20).IsValid);

        var decoded = new List<(string Group, TopicPartition Partition, CommittedOffset? Offset)>();
        var next = PlainRecordBatch.Decode(batch, (key, value) =>
        {
            Assert.True(OffsetCommitRecord.TryDecodeKey(key.Span, out var group, out var partition));
            decoded.Add((group, partition, value is { } v ? OffsetCommitRecord.DecodeValue(v.Span) : null));
        });

        Assert.Equal(3, next);
        Assert.Equal(
            [("group-é", new TopicPartition("orders", 3), commit), ("g", new TopicPartition("t", 0), noMetadata), ("g", new TopicPartition(new string('t', 200), 1), (CommittedOffset?)null)],
            decoded);
    }
}

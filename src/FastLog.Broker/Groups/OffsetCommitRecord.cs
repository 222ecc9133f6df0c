using System.Buffers.Binary;
using FastLog.Broker.Partitions;

namespace FastLog.Broker.Groups;

/// <summary>
/// The key and value of one committed offset in the offsets log, in Kafka's own __consumer_offsets
/// schema (key version 1, value version 3), so the records read the same as Kafka's. Strings are
/// an i16 length and UTF-8 bytes (-1 = null); integers are big-endian.
/// <code>
/// key   offset size  field
///       0      2     version        i16  = 1 (offset commit; Kafka's 2 = group metadata, skipped)
///       2      2+g   group          string
///       ..     2+t   topic          string
///       ..     4     partition      i32
/// value 0      2     version        i16  = 3
///       2      8     offset         i64
///       10     4     leader_epoch   i32  -1 = unknown
///       14     2+m   metadata       string (nullable)
///       ..     8     commit_timestamp i64 Unix ms
/// </code>
/// A record with a null value (tombstone) deletes the key: offsets deleted, expired, or of a deleted group.
/// </summary>
internal static class OffsetCommitRecord
{
    private const short KeyVersion = 1;
    private const short ValueVersion = 3;

    public static byte[] EncodeKey(string group, TopicPartition partition)
    {
        var key = new byte[2 + OffsetsLogFields.StringSize(group) + OffsetsLogFields.StringSize(partition.Topic) + 4];
        var at = OffsetsLogFields.WriteInt16(key, 0, KeyVersion);
        at = OffsetsLogFields.WriteString(key, at, group);
        at = OffsetsLogFields.WriteString(key, at, partition.Topic);
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(at), partition.Partition);
        return key;
    }

    public static byte[] EncodeValue(CommittedOffset offset)
    {
        var value = new byte[2 + 8 + 4 + OffsetsLogFields.StringSize(offset.Metadata) + 8];
        var at = OffsetsLogFields.WriteInt16(value, 0, ValueVersion);
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(at), offset.Offset);
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(at + 8), offset.LeaderEpoch);
        at = OffsetsLogFields.WriteString(value, at + 12, offset.Metadata);
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(at), offset.CommitTimestamp);
        return value;
    }

    /// <summary>The group and partition of an offset-commit key; false for other key types (group metadata).</summary>
    public static bool TryDecodeKey(ReadOnlySpan<byte> key, out string group, out TopicPartition partition)
    {
        group = "";
        partition = default;
        if (BinaryPrimitives.ReadInt16BigEndian(key) is not (0 or KeyVersion))
        {
            return false;
        }

        var at = 2;
        group = OffsetsLogFields.ReadString(key, ref at)!;
        var topic = OffsetsLogFields.ReadString(key, ref at)!;
        partition = new TopicPartition(topic, BinaryPrimitives.ReadInt32BigEndian(key[at..]));
        return true;
    }

    public static CommittedOffset DecodeValue(ReadOnlySpan<byte> value)
    {
        if (BinaryPrimitives.ReadInt16BigEndian(value) != ValueVersion)
        {
            throw new InvalidDataException($"Offset commit value version {BinaryPrimitives.ReadInt16BigEndian(value)} is not {ValueVersion}.");
        }

        var offset = BinaryPrimitives.ReadInt64BigEndian(value[2..]);
        var leaderEpoch = BinaryPrimitives.ReadInt32BigEndian(value[10..]);
        var at = 14;
        var metadata = OffsetsLogFields.ReadString(value, ref at);
        return new CommittedOffset(offset, leaderEpoch, metadata, BinaryPrimitives.ReadInt64BigEndian(value[at..]));
    }
}

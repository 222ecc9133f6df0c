using System.Buffers.Binary;
using FastLog.Broker.Groups;
using FastLog.Broker.Partitions;

namespace FastLog.Broker.Tests;

/// <summary>The stored group membership in Kafka's __consumer_offsets schema (key v2, value v0–v3): what is written reads back, and a damaged value is refused.</summary>
public sealed class GroupMetadataRecordTests
{
    private static readonly GroupMetadataRecord.Value Group = new("consumer", 7, "range", "m-1", 1_700_000_000_123,
    [
        new("m-1", null, "client-é", "/10.0.0.1", 30_000, 10_000, [0, 1, 2], [9, 8]),
        new("m-2", "instance-2", "client", "/10.0.0.2", 45_000, 6_000, [], []),
    ]);

    [Fact]
    public void AGroup_ReadsBackAsWritten()
    {
        var decoded = GroupMetadataRecord.DecodeValue(GroupMetadataRecord.EncodeValue(Group));
        Assert.Equal((Group.ProtocolType, Group.Generation, Group.Protocol, Group.Leader, Group.CurrentStateTimestamp), (decoded.ProtocolType, decoded.Generation, decoded.Protocol, decoded.Leader, decoded.CurrentStateTimestamp));
        Assert.Equal(Group.Members.Count, decoded.Members.Count);
        foreach (var (written, read) in Group.Members.Zip(decoded.Members))
        {
            Assert.Equal((written.MemberId, written.GroupInstanceId, written.ClientId, written.ClientHost, written.RebalanceTimeoutMs, written.SessionTimeoutMs), (read.MemberId, read.GroupInstanceId, read.ClientId, read.ClientHost, read.RebalanceTimeoutMs, read.SessionTimeoutMs));
            Assert.Equal(written.Subscription, read.Subscription);
            Assert.Equal(written.Assignment, read.Assignment);
        }
    }

    [Fact]
    public void TheKey_IsKafkasVersion2_AndNotTakenForAnOffsetCommit()
    {
        var key = GroupMetadataRecord.EncodeKey("orders-é");
        Assert.Equal(2, BinaryPrimitives.ReadInt16BigEndian(key));
        Assert.True(GroupMetadataRecord.TryDecodeKey(key, out var group));
        Assert.Equal("orders-é", group);
        Assert.False(OffsetCommitRecord.TryDecodeKey(key, out _, out _));
        Assert.False(GroupMetadataRecord.TryDecodeKey(OffsetCommitRecord.EncodeKey("orders", new TopicPartition("t", 0)), out _));
    }

    [Fact]
    public void EveryTruncation_AndAnUnknownVersion_AreRefused()
    {
        var value = GroupMetadataRecord.EncodeValue(Group);
        for (var length = 0; length < value.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => GroupMetadataRecord.DecodeValue(value.AsSpan(0, length)));
        }

        var future = value.ToArray();
        BinaryPrimitives.WriteInt16BigEndian(future, 4);
        Assert.Throws<InvalidDataException>(() => GroupMetadataRecord.DecodeValue(future));
    }

    [Fact]
    public void Version0_HasOneTimeoutForBoth_AndNoTimestampOrInstanceId()
    {
        // version 0, "consumer", generation 3, "range", leader "m", 1 member: "m", client "c", host "h", session 5000, subscription [1], assignment [2].
        byte[] v0 = [0, 0, 0, 8, .. "consumer"u8, 0, 0, 0, 3, 0, 5, .. "range"u8, 0, 1, .. "m"u8, 0, 0, 0, 1,
            0, 1, .. "m"u8, 0, 1, .. "c"u8, 0, 1, .. "h"u8, 0, 0, 0x13, 0x88, 0, 0, 0, 1, 1, 0, 0, 0, 1, 2];
        var decoded = GroupMetadataRecord.DecodeValue(v0);
        Assert.Equal(("consumer", 3, "range", "m", -1L), (decoded.ProtocolType, decoded.Generation, decoded.Protocol, decoded.Leader, decoded.CurrentStateTimestamp));
        var member = Assert.Single(decoded.Members);
        Assert.Equal(("m", (string?)null, 5000, 5000), (member.MemberId, member.GroupInstanceId, member.RebalanceTimeoutMs, member.SessionTimeoutMs));
        Assert.Equal([1], member.Subscription);
        Assert.Equal([2], member.Assignment);
    }
}

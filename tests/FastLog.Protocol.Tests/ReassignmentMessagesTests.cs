namespace FastLog.Protocol.Tests;

/// <summary>
/// ElectLeaders (43), AlterPartitionReassignments (45) and ListPartitionReassignments (46) against
/// hand-computed bytes from Kafka's message definitions (the nullable arrays that mean "every
/// partition" or "cancel", the v1+ fields, compact encodings). Every version's round trip is in
/// <see cref="MessageRoundTripTests"/>.
/// </summary>
public sealed class ReassignmentMessagesTests
{
    [Fact]
    public void AlterPartitionReassignmentsV0Request_WithATargetAndACancel()
    {
        var request = new AlterPartitionReassignmentsRequest
        {
            TimeoutMs = 1000,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Replicas = [2, 3] }, new() { PartitionIndex = 1, Replicas = null }] }],
        };
        byte[] expected =
        [
            0, 0, 0x03, 0xE8, // timeout_ms 1000
            2, 2, (byte)'t', 3, // compact topics[1], "t", partitions[2]
            0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, // partition 0, replicas [2, 3], tags
            0, 0, 0, 1, 0, 0, // partition 1, replicas null (cancel), tags
            0, 0, // topic tags, message tags
        ];
        Assert.Equal(expected, MessageRoundTripTests.Encode(request, 0));
        var decoded = MessageRoundTripTests.Decode<AlterPartitionReassignmentsRequest>(expected, 0);
        Assert.Equal([2, 3], decoded.Topics[0].Partitions[0].Replicas!);
        Assert.Null(decoded.Topics[0].Partitions[1].Replicas);
        Assert.True(decoded.AllowReplicationFactorChange);

        // v1 adds allow_replication_factor_change after the timeout.
        request.AllowReplicationFactorChange = false;
        Assert.Equal([.. expected[..4], 0, .. expected[4..]], MessageRoundTripTests.Encode(request, 1));
    }

    [Fact]
    public void ListPartitionReassignmentsV0_RequestForEveryPartitionAndResponse()
    {
        Assert.Equal([0, 0, 0xEA, 0x60, 0, 0], MessageRoundTripTests.Encode(new ListPartitionReassignmentsRequest(), 0)); // timeout 60000 (the default), topics null, tags
        var response = new ListPartitionReassignmentsResponse
        {
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Replicas = [2, 1], AddingReplicas = [2], RemovingReplicas = [1] }] }],
        };
        byte[] expected =
        [
            0, 0, 0, 0, 0, 0, 0, // throttle 0, error NONE, error_message null
            2, 2, (byte)'t', 2, // topics[1], "t", partitions[1]
            0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, // partition 0, replicas [2, 1]
            2, 0, 0, 0, 2, 2, 0, 0, 0, 1, 0, // adding [2], removing [1], tags
            0, 0, // topic tags, message tags
        ];
        Assert.Equal(expected, MessageRoundTripTests.Encode(response, 0));
    }

    [Fact]
    public void ElectLeadersRequests_V0WithoutTypeAndFlexibleV2ForEveryPartition()
    {
        var request = new ElectLeadersRequest { ElectionType = 1, Topics = [new() { Topic = "t", Partitions = [0] }], TimeoutMs = 1000 };
        Assert.Equal([0, 0, 0, 1, 0, 1, (byte)'t', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x03, 0xE8], MessageRoundTripTests.Encode(request, 0));
        request.Topics = null;
        Assert.Equal([1, 0, 0, 0, 0x03, 0xE8, 0], MessageRoundTripTests.Encode(request, 2)); // type 1, topics null, timeout, tags
        Assert.Null(MessageRoundTripTests.Decode<ElectLeadersRequest>([1, 0, 0, 0, 0x03, 0xE8, 0], 2).Topics);
    }
}

namespace FastLog.Protocol.Tests;

/// <summary>
/// OffsetForLeaderEpoch (23) against hand-computed bytes from Kafka's message definitions: the
/// version-dependent fields (replica_id v3+, current_leader_epoch v2+, leader_epoch v1+, throttle
/// v2+, flexible v4). Every version's round trip is in <see cref="MessageRoundTripTests"/>.
/// </summary>
public sealed class LeaderEpochMessagesTests
{
    [Fact]
    public void OffsetForLeaderEpochV2Request_AsLibrdkafkaSendsIt()
    {
        var request = OneRequest();
        byte[] expected =
        [
            0, 0, 0, 1, 0, 1, (byte)'t', // topics[1], "t"
            0, 0, 0, 1, 0, 0, 0, 0, // partitions[1], partition 0
            0, 0, 0, 5, 0, 0, 0, 3, // current_leader_epoch 5, leader_epoch 3
        ];
        AssertBytes(expected, request, 2);
        var decoded = Decode<OffsetForLeaderEpochRequest>(expected, 2);
        Assert.Equal(-2, decoded.ReplicaId);
        Assert.Equal((0, 5, 3), (decoded.Topics[0].Partitions[0].Partition, decoded.Topics[0].Partitions[0].CurrentLeaderEpoch, decoded.Topics[0].Partitions[0].LeaderEpoch));
    }

    [Fact]
    public void OffsetForLeaderEpochV0AndV4Requests()
    {
        AssertBytes([0, 0, 0, 1, 0, 1, (byte)'t', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3], OneRequest(), 0);
        AssertBytes(
        [
            0xFF, 0xFF, 0xFF, 0xFF, // replica_id -1
            2, 2, (byte)'t', 2, // compact topics[1], "t", partitions[1]
            0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 3, 0, // partition 0, current 5, epoch 3, tags
            0, 0, // topic tags, message tags
        ], OneRequest(), 4);
    }

    [Fact]
    public void OffsetForLeaderEpochResponses_V0V1AndFlexibleV4()
    {
        var response = new OffsetForLeaderEpochResponse
        {
            ThrottleTimeMs = 0,
            Topics = [new() { Name = "t", Partitions = [new() { ErrorCode = ErrorCode.None, Partition = 0, LeaderEpoch = -1, EndOffset = -1 }] }],
        };
        byte[] v4 =
        [
            0, 0, 0, 0, 2, 2, (byte)'t', 2, // throttle, topics[1], "t", partitions[1]
            0, 0, 0, 0, 0, 0, // error NONE, partition 0
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // leader_epoch -1, end_offset -1
            0, 0, 0,
        ];
        AssertBytes(v4, response, 4);
        var decoded = Decode<OffsetForLeaderEpochResponse>(v4, 4).Topics[0].Partitions[0];
        Assert.Equal((ErrorCode.None, -1, -1L), (decoded.ErrorCode, decoded.LeaderEpoch, decoded.EndOffset));

        response.Topics[0].Partitions[0] = new() { ErrorCode = ErrorCode.FencedLeaderEpoch, Partition = 1, LeaderEpoch = 2, EndOffset = 7 };
        AssertBytes([0, 0, 0, 1, 0, 1, (byte)'t', 0, 0, 0, 1, 0, 74, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7], response, 0);
        AssertBytes([0, 0, 0, 1, 0, 1, (byte)'t', 0, 0, 0, 1, 0, 74, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 7], response, 1);
        // v0 has no leader_epoch: it reads as Kafka's default -1.
        Assert.Equal(-1, Decode<OffsetForLeaderEpochResponse>([0, 0, 0, 1, 0, 1, (byte)'t', 0, 0, 0, 1, 0, 74, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7], 0).Topics[0].Partitions[0].LeaderEpoch);
    }

    private static OffsetForLeaderEpochRequest OneRequest() => new()
    {
        ReplicaId = -1,
        Topics = [new() { Name = "t", Partitions = [new() { Partition = 0, CurrentLeaderEpoch = 5, LeaderEpoch = 3 }] }],
    };

    private static void AssertBytes(byte[] expected, KafkaMessage message, short version)
    {
        var bytes = MessageRoundTripTests.Encode(message, version);
        Assert.Equal(expected, bytes);
        var reader = new KafkaReader(bytes.AsMemory());
        var decoded = SupportedApis.Find(message.ApiKey)!;
        var again = message is OffsetForLeaderEpochRequest ? decoded.CreateRequest() : decoded.CreateResponse();
        again.ReadFrom(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(expected, MessageRoundTripTests.Encode(again, version));
    }

    private static T Decode<T>(byte[] bytes, short version)
        where T : KafkaMessage<T>, new()
    {
        var reader = new KafkaReader(bytes.AsMemory());
        var message = KafkaMessage<T>.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return message;
    }
}

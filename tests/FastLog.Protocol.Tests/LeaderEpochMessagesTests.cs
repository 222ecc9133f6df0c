namespace FastLog.Protocol.Tests;

/// <summary>
/// OffsetForLeaderEpoch (23) and AlterPartition (56) against hand-computed bytes from Kafka's
/// message definitions: the version-dependent fields (replica_id v3+, current_leader_epoch v2+,
/// leader_epoch v1+, throttle v2+, flexible v4; AlterPartition topic_name v0–1 / topic_id v2+,
/// new_isr v0–2 / new_isr_with_epochs v3+, leader_recovery_state v1+, flexible always). Every
/// version's round trip is in <see cref="MessageRoundTripTests"/>.
/// </summary>
public sealed class LeaderEpochMessagesTests
{
    private static readonly Guid TopicId = new(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());

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
    public void ProduceResponseV10_NamesTheCurrentLeaderAndItsEndpoint_AndV9LeavesBothOut()
    {
        ProduceResponse Refused() => new()
        {
            Responses = [new() { Name = "t", Partitions = [new() { Index = 0, ErrorCode = ErrorCode.NotLeaderOrFollower, BaseOffset = -1, CurrentLeader = new() { LeaderId = 2, LeaderEpoch = 7 } }] }],
            NodeEndpoints = [new() { NodeId = 2, Host = "h", Port = 9092 }],
        };
        byte[] Partition(params byte[] tags) =>
        [
            2, 2, (byte)'t', 2, 0, 0, 0, 0, 0, 6, // responses[1], "t", partitions[1], index 0, NOT_LEADER_OR_FOLLOWER
            .. Enumerable.Repeat((byte)0xFF, 24), // base_offset, log_append_time_ms, log_start_offset: -1
            1, 0, // record_errors[0], error_message null
            .. tags,
            0, 0, 0, 0, 0, // topic tags, throttle_time_ms
        ];
        byte[] v10 =
        [
            .. Partition(1, 0, 9, 0, 0, 0, 2, 0, 0, 0, 7, 0), // tag 0 current_leader (9 bytes): leader 2, epoch 7, no tags
            1, 0, 13, 2, 0, 0, 0, 2, 2, (byte)'h', 0, 0, 0x23, 0x84, 0, 0, // tag 0 node_endpoints (13 bytes): [1] node 2 "h":9092, rack null, no tags
        ];

        AssertBytes(v10, Refused(), 10);
        var decoded = Decode<ProduceResponse>(v10, 10);
        Assert.Equal((2, 7), (decoded.Responses[0].Partitions[0].CurrentLeader.LeaderId, decoded.Responses[0].Partitions[0].CurrentLeader.LeaderEpoch));
        Assert.Equal((2, "h", 9092), (decoded.NodeEndpoints[0].NodeId, decoded.NodeEndpoints[0].Host, decoded.NodeEndpoints[0].Port));
        Assert.Equal([.. Partition(0), 0], MessageRoundTripTests.Encode(Refused(), 9));
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

    [Fact]
    public void AlterPartitionV1Request_NamesTheTopic_AndV3_ByIdWithIsrEpochs()
    {
        var request = new AlterPartitionRequest
        {
            BrokerId = 1,
            BrokerEpoch = 16,
            Topics =
            [
                new()
                {
                    TopicName = "t",
                    TopicId = TopicId,
                    Partitions =
                    [
                        new()
                        {
                            PartitionIndex = 0,
                            LeaderEpoch = 2,
                            NewIsr = [1, 2],
                            NewIsrWithEpochs = [new() { BrokerId = 1, BrokerEpoch = 16 }],
                            LeaderRecoveryState = 1,
                            PartitionEpoch = 4,
                        },
                    ],
                },
            ],
        };
        byte[] head = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 16, 2]; // broker_id 1, broker_epoch 16, topics[1]
        byte[] partitionHead = [2, 0, 0, 0, 0, 0, 0, 0, 2]; // partitions[1], index 0, leader_epoch 2
        byte[] isr = [3, 0, 0, 0, 1, 0, 0, 0, 2]; // compact [1, 2]
        byte[] isrWithEpochs = [2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 16, 0]; // [(1, 16)], tags
        byte[] tail = [0, 0, 0, 4, 0, 0, 0]; // partition_epoch 4, partition/topic/message tags

        AssertBytes([.. head, 2, (byte)'t', .. partitionHead, .. isr, .. tail], request, 0);
        AssertBytes([.. head, 2, (byte)'t', .. partitionHead, .. isr, 1, .. tail], request, 1);
        AssertBytes([.. head, .. TopicId.ToByteArray(bigEndian: true), .. partitionHead, .. isr, 1, .. tail], request, 2);
        byte[] v3 = [.. head, .. TopicId.ToByteArray(bigEndian: true), .. partitionHead, .. isrWithEpochs, 1, .. tail];
        AssertBytes(v3, request, 3);

        var decoded = Decode<AlterPartitionRequest>(v3, 3);
        Assert.Equal(TopicId, decoded.Topics[0].TopicId);
        Assert.Equal("", decoded.Topics[0].TopicName);
        Assert.Empty(decoded.Topics[0].Partitions[0].NewIsr);
        Assert.Equal((1, 16L), (decoded.Topics[0].Partitions[0].NewIsrWithEpochs[0].BrokerId, decoded.Topics[0].Partitions[0].NewIsrWithEpochs[0].BrokerEpoch));
    }

    [Fact]
    public void AlterPartitionResponse_V0ByName_V2ById()
    {
        var response = new AlterPartitionResponse
        {
            ThrottleTimeMs = 0,
            ErrorCode = ErrorCode.None,
            Topics =
            [
                new()
                {
                    TopicName = "t",
                    TopicId = TopicId,
                    Partitions = [new() { PartitionIndex = 0, ErrorCode = ErrorCode.None, LeaderId = 1, LeaderEpoch = 2, Isr = [1], LeaderRecoveryState = 0, PartitionEpoch = 4 }],
                },
            ],
        };
        byte[] head = [0, 0, 0, 0, 0, 0, 2]; // throttle, error, topics[1]
        byte[] partition = [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 2, 0, 0, 0, 1]; // [index 0, NONE, leader 1, epoch 2, isr [1]]
        byte[] tail = [0, 0, 0, 4, 0, 0, 0];
        AssertBytes([.. head, 2, (byte)'t', .. partition, .. tail], response, 0);
        AssertBytes([.. head, .. TopicId.ToByteArray(bigEndian: true), .. partition, 0, .. tail], response, 2);
        AssertBytes([.. head, .. TopicId.ToByteArray(bigEndian: true), .. partition, 0, .. tail], response, 3);
    }

    [Fact]
    public void AlterPartitionFrames_UseFlexibleHeaders_AndAreDispatched()
    {
        var header = new RequestHeader { ApiKey = ApiKey.AlterPartition, ApiVersion = 3, CorrelationId = 7, ClientId = "c" };
        using var writer = new KafkaWriter();
        RequestFrame.Write(writer, header, new AlterPartitionRequest());
        // size | key 56 | v3 | correlation 7 | client id "c" | header tags | broker_id, broker_epoch -1, topics[0], tags
        byte[] body = [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0];
        byte[] frameWithoutSize = [0, 56, 0, 3, 0, 0, 0, 7, 0, 1, (byte)'c', 0, .. body];
        Assert.Equal(frameWithoutSize, writer.WrittenSpan[4..].ToArray());
        Assert.Equal(RequestStatus.Ok, RequestFrame.Decode(frameWithoutSize).Status);
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
        var again = message is OffsetForLeaderEpochRequest or AlterPartitionRequest ? decoded.CreateRequest() : decoded.CreateResponse();
        again.ReadFrom(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(expected, MessageRoundTripTests.Encode(again, version));
    }

    private static T Decode<T>(byte[] bytes, short version)
        where T : KafkaMessage<T>, new() => MessageRoundTripTests.Decode<T>(bytes, version);
}

namespace FastLog.Protocol.Tests;

/// <summary>
/// Byte-exact frames computed by hand from Kafka's protocol definition (not produced by this
/// codec), so an encoding mistake that reads and writes symmetrically still fails here.
/// </summary>
public sealed class GoldenVectorTests
{
    // ApiVersions v3 request as librdkafka 2.x opens every connection with: header v2 (client id
    // stays a non-compact NULLABLE_STRING, then an empty tagged-field section), body with compact strings.
    private static readonly byte[] ApiVersionsV3Request = Convert.FromHexString(
        "00000025" +                 // frame size 37
        "0012" + "0003" +            // api key 18, version 3
        "00000001" +                 // correlation id 1
        "0007" + "72646B61666B61" +  // client id "rdkafka" (int16 length)
        "00" +                       // header tagged fields: none
        "0B" + "6C696272646B61666B61" + // client_software_name "librdkafka" (uvarint 10+1)
        "07" + "322E31362E30" +      // client_software_version "2.16.0" (uvarint 6+1)
        "00");                       // body tagged fields: none

    // Metadata v1 request for topic "test": non-flexible, header v1.
    private static readonly byte[] MetadataV1Request = Convert.FromHexString(
        "00000015" +                 // frame size 21
        "0003" + "0001" + "0000002A" + // api key 3, version 1, correlation id 42
        "0001" + "63" +              // client id "c"
        "00000001" +                 // topics: 1 element (int32 count)
        "0004" + "74657374");        // name "test"

    // Metadata v0 request for all topics, as kafka-python 2.0.2 and Sarama 1.22 send it: the
    // array is not nullable in v0, so empty means "all topics".
    private static readonly byte[] MetadataV0AllTopicsRequest = Convert.FromHexString(
        "0000000F" +                 // frame size 15
        "0003" + "0000" + "00000001" + // api key 3, version 0, correlation id 1
        "0001" + "63" +              // client id "c"
        "00000000");                 // topics: 0 elements = all topics

    // Metadata v0 request for topic "t".
    private static readonly byte[] MetadataV0OneTopicRequest = Convert.FromHexString(
        "00000012" +                 // frame size 18
        "0003" + "0000" + "00000001" + // api key 3, version 0, correlation id 1
        "0001" + "63" +              // client id "c"
        "00000001" + "0001" + "74"); // topics: 1 element, name "t"

    // Partition 0 led by broker 1, as Metadata v0-v4 send it (no leader_epoch, offline_replicas).
    private const string MetadataPartition0LedBy1 =
        "00000001" +                 // partitions: 1 element
        "0000" + "00000000" + "00000001" + // error_code 0, partition_index 0, leader_id 1
        "00000001" + "00000001" +    // replica_nodes [1]
        "00000001" + "00000001";     // isr_nodes [1]

    // Metadata v0 response: broker 1 at h:9092, topic "t" with partition 0 led by broker 1. No
    // rack, controller_id, cluster_id or is_internal in v0.
    private static readonly byte[] MetadataV0Response = Convert.FromHexString(
        "0000003A" +                 // frame size 58
        "00000001" +                 // correlation id 1
        "00000001" +                 // brokers: 1 element
        "00000001" + "0001" + "68" + "00002384" + // node_id 1, host "h", port 9092
        "00000001" + "0000" + "0001" + "74" + // topics: 1 element; error_code 0, name "t"
        MetadataPartition0LedBy1);

    // The same answer at v1: rack (null) per broker, controller_id, is_internal per topic.
    private static readonly byte[] MetadataV1Response = Convert.FromHexString(
        "00000041" +                 // frame size 65
        "00000001" +                 // correlation id 1
        "00000001" +                 // brokers: 1 element
        "00000001" + "0001" + "68" + "00002384" + "FFFF" + // node_id 1, host "h", port 9092, rack null
        "00000001" +                 // controller_id 1
        "00000001" + "0000" + "0001" + "74" + "00" + // topics: 1 element; error_code 0, name "t", is_internal false
        MetadataPartition0LedBy1);

    // Metadata v12 request for all topics: flexible, header v2.
    private static readonly byte[] MetadataV12AllTopicsRequest = Convert.FromHexString(
        "00000010" +                 // frame size 16
        "0003" + "000C" + "00000007" + // api key 3, version 12, correlation id 7
        "0001" + "63" + "00" +       // client id "c", header tags
        "00" +                       // topics: null (compact length 0)
        "01" +                       // allow_auto_topic_creation true
        "00" +                       // include_topic_authorized_operations false
        "00");                       // tagged fields

    // ApiVersions response to a too-new ApiVersions request: v0 body, response header v0,
    // error 35 and only the ApiVersions range (KIP-511).
    private static readonly byte[] ApiVersionsDowngradeResponse = Convert.FromHexString(
        "00000010" +                 // frame size 16
        "00000009" +                 // correlation id 9
        "0023" +                     // error_code 35 UNSUPPORTED_VERSION
        "00000001" +                 // api_keys: 1 element
        "0012" + "0000" + "0003");   // ApiVersions 0..3

    // Produce v3 request, acks=-1, one partition with 3 opaque record bytes.
    private static readonly byte[] ProduceV3Request = Convert.FromHexString(
        "00000028" +                 // frame size 40
        "0000" + "0003" + "00000005" + // api key 0, version 3, correlation id 5
        "FFFF" +                     // client id null
        "FFFF" +                     // transactional_id null
        "FFFF" + "00007530" +        // acks -1, timeout_ms 30000
        "00000001" + "0001" + "74" + // topic_data: 1, name "t"
        "00000001" + "00000000" +    // partition_data: 1, index 0
        "00000003" + "010203");      // records: 3 bytes

    // FindCoordinator v4 request for group "g": flexible, keys batched in a compact array.
    private static readonly byte[] FindCoordinatorV4Request = Convert.FromHexString(
        "00000011" +                 // frame size 17
        "000A" + "0004" + "00000003" + // api key 10, version 4, correlation id 3
        "0001" + "63" + "00" +       // client id "c", header tags
        "00" +                       // key_type 0 (group)
        "02" + "02" + "67" +         // coordinator_keys: 1 element (uvarint 1+1), "g"
        "00");                       // tagged fields

    // DescribeLogDirs v0 request for every topic: non-flexible, header v1, topics null.
    private static readonly byte[] DescribeLogDirsV0AllTopicsRequest = Convert.FromHexString(
        "0000000F" +                 // frame size 15
        "0023" + "0000" + "00000002" + // api key 35, version 0, correlation id 2
        "0001" + "63" +              // client id "c"
        "FFFFFFFF");                 // topics: null (int32 -1)

    // DescribeLogDirs v4 response: flexible (response header v1), one directory "/d" holding
    // partition t-1 of 1024 bytes, on a filesystem of 65536 bytes with 32768 usable.
    private static readonly byte[] DescribeLogDirsV4Response = Convert.FromHexString(
        "0000003E" +                 // frame size 62
        "00000004" + "00" +          // correlation id 4, header tags
        "00000000" + "0000" +        // throttle_time_ms 0, error_code 0
        "02" +                       // results: 1 element (uvarint 1+1)
        "0000" + "03" + "2F64" +     // error_code 0, log_dir "/d"
        "02" + "02" + "74" +         // topics: 1 element, name "t"
        "02" + "00000001" +          // partitions: 1 element, partition_index 1
        "0000000000000400" +         // partition_size 1024
        "0000000000000000" + "00" +  // offset_lag 0, is_future_key false
        "00" + "00" +                // partition tags, topic tags
        "0000000000010000" +         // total_bytes 65536
        "0000000000008000" +         // usable_bytes 32768
        "00" + "00");                // result tags, body tags

    [Fact]
    public void DescribeLogDirsV0AllTopicsRequest_EncodesAndDecodes()
    {
        var header = new RequestHeader { ApiKey = ApiKey.DescribeLogDirs, ApiVersion = 0, CorrelationId = 2, ClientId = "c" };
        Assert.Equal(DescribeLogDirsV0AllTopicsRequest, EncodeRequest(header, new DescribeLogDirsRequest { Topics = null }));
        Assert.Null(Assert.IsType<DescribeLogDirsRequest>(RequestFrame.Decode(DescribeLogDirsV0AllTopicsRequest.AsMemory(4)).Body).Topics);
    }

    [Fact]
    public void DescribeLogDirsV4Response_Encodes()
    {
        var request = new RequestHeader { ApiKey = ApiKey.DescribeLogDirs, ApiVersion = 4, CorrelationId = 4 };
        var response = new DescribeLogDirsResponse
        {
            Results =
            [
                new()
                {
                    LogDir = "/d",
                    Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 1, PartitionSize = 1024 }] }],
                    TotalBytes = 65536,
                    UsableBytes = 32768,
                },
            ],
        };
        using var writer = new KafkaWriter();
        ResponseFrame.Write(writer, request, response);
        Assert.Equal(DescribeLogDirsV4Response, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void FindCoordinatorV4Request_Encodes()
    {
        var header = new RequestHeader { ApiKey = ApiKey.FindCoordinator, ApiVersion = 4, CorrelationId = 3, ClientId = "c" };
        Assert.Equal(FindCoordinatorV4Request, EncodeRequest(header, new FindCoordinatorRequest { CoordinatorKeys = ["g"] }));
    }

    [Fact]
    public void ApiVersionsV3Request_EncodesLikeLibrdkafka()
    {
        var header = new RequestHeader { ApiKey = ApiKey.ApiVersions, ApiVersion = 3, CorrelationId = 1, ClientId = "rdkafka" };
        var body = new ApiVersionsRequest { ClientSoftwareName = "librdkafka", ClientSoftwareVersion = "2.16.0" };
        Assert.Equal(ApiVersionsV3Request, EncodeRequest(header, body));
    }

    [Fact]
    public void ApiVersionsV3Request_Decodes()
    {
        var frame = RequestFrame.Decode(ApiVersionsV3Request.AsMemory(4));
        Assert.Equal(RequestStatus.Ok, frame.Status);
        Assert.Equal(1, frame.Header.CorrelationId);
        Assert.Equal("rdkafka", frame.Header.ClientId);
        var body = Assert.IsType<ApiVersionsRequest>(frame.Body);
        Assert.Equal("librdkafka", body.ClientSoftwareName);
        Assert.Equal("2.16.0", body.ClientSoftwareVersion);
    }

    [Fact]
    public void MetadataV1Request_Encodes()
    {
        var header = new RequestHeader { ApiKey = ApiKey.Metadata, ApiVersion = 1, CorrelationId = 42, ClientId = "c" };
        var body = new MetadataRequest { Topics = [new() { Name = "test" }] };
        Assert.Equal(MetadataV1Request, EncodeRequest(header, body));
    }

    [Fact]
    public void MetadataV0AllTopicsRequest_DecodesAsNullTopics_AndNullEncodesAsEmpty()
    {
        var decoded = Assert.IsType<MetadataRequest>(RequestFrame.Decode(MetadataV0AllTopicsRequest.AsMemory(4)).Body);
        Assert.Null(decoded.Topics);
        Assert.True(decoded.AllowAutoTopicCreation); // no field before v4: Kafka auto-creates for v0-3

        var header = new RequestHeader { ApiKey = ApiKey.Metadata, ApiVersion = 0, CorrelationId = 1, ClientId = "c" };
        Assert.Equal(MetadataV0AllTopicsRequest, EncodeRequest(header, new MetadataRequest { Topics = null }));
    }

    [Fact]
    public void MetadataV0OneTopicRequest_EncodesAndDecodes()
    {
        var header = new RequestHeader { ApiKey = ApiKey.Metadata, ApiVersion = 0, CorrelationId = 1, ClientId = "c" };
        Assert.Equal(MetadataV0OneTopicRequest, EncodeRequest(header, new MetadataRequest { Topics = [new() { Name = "t" }] }));

        var decoded = Assert.IsType<MetadataRequest>(RequestFrame.Decode(MetadataV0OneTopicRequest.AsMemory(4)).Body);
        Assert.Equal("t", Assert.Single(decoded.Topics!).Name);
    }

    [Fact]
    public void MetadataV1Request_DecodesEmptyAsNoTopics()
    {
        var decoded = Assert.IsType<MetadataRequest>(RequestFrame.Decode(MetadataV1Request.AsMemory(4)).Body);
        Assert.Equal("test", Assert.Single(decoded.Topics!).Name);

        var header = new RequestHeader { ApiKey = ApiKey.Metadata, ApiVersion = 1, CorrelationId = 1, ClientId = "c" };
        var none = Assert.IsType<MetadataRequest>(RequestFrame.Decode(EncodeRequest(header, new MetadataRequest { Topics = [] }).AsMemory(4)).Body);
        Assert.Empty(none.Topics!);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void MetadataV0AndV1Responses_EncodeAndDecode(short version)
    {
        var expected = version == 0 ? MetadataV0Response : MetadataV1Response;
        var response = new MetadataResponse
        {
            Brokers = [new BrokerEndpoint { NodeId = 1, Host = "h", Port = 9092 }],
            ClusterId = "ignored before v2",
            ControllerId = 1,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, LeaderId = 1, LeaderEpoch = 5, ReplicaNodes = [1], IsrNodes = [1] }] }],
        };
        using var writer = new KafkaWriter();
        ResponseFrame.Write(writer, new RequestHeader { ApiKey = ApiKey.Metadata, ApiVersion = version, CorrelationId = 1 }, response);
        Assert.Equal(expected, writer.WrittenSpan.ToArray());

        var decoded = ResponseFrame.Read<MetadataResponse>(expected.AsMemory(4), version, out var correlationId);
        Assert.Equal(1, correlationId);
        var broker = Assert.Single(decoded.Brokers);
        Assert.Equal((1, "h", 9092, (string?)null), (broker.NodeId, broker.Host, broker.Port, broker.Rack));
        Assert.Equal(version == 0 ? -1 : 1, decoded.ControllerId);
        Assert.Null(decoded.ClusterId);
        var partition = Assert.Single(Assert.Single(decoded.Topics).Partitions);
        Assert.Equal((0, 1, -1), (partition.PartitionIndex, partition.LeaderId, partition.LeaderEpoch));
    }

    [Fact]
    public void MetadataV13Response_EndsWithTheTopLevelErrorCode()
    {
        var response = new MetadataResponse { ErrorCode = ErrorCode.UnknownServerError };
        using var writer = new KafkaWriter();
        ResponseFrame.Write(writer, new RequestHeader { ApiKey = ApiKey.Metadata, ApiVersion = 13, CorrelationId = 1 }, response);
        Assert.Equal(Convert.FromHexString(
            "00000013" +             // frame size 19
            "00000001" + "00" +      // correlation id 1, header tags
            "00000000" +             // throttle_time_ms 0
            "01" +                   // brokers: 0 elements (uvarint 0+1)
            "00" +                   // cluster_id null
            "FFFFFFFF" +             // controller_id -1
            "01" +                   // topics: 0 elements
            "FFFF" +                 // error_code -1 UNKNOWN_SERVER_ERROR
            "00"), writer.WrittenSpan.ToArray()); // tagged fields
    }

    [Fact]
    public void MetadataV12AllTopicsRequest_EncodesAndDecodes()
    {
        var header = new RequestHeader { ApiKey = ApiKey.Metadata, ApiVersion = 12, CorrelationId = 7, ClientId = "c" };
        var body = new MetadataRequest { Topics = null };
        Assert.Equal(MetadataV12AllTopicsRequest, EncodeRequest(header, body));

        var frame = RequestFrame.Decode(MetadataV12AllTopicsRequest.AsMemory(4));
        var decoded = Assert.IsType<MetadataRequest>(frame.Body);
        Assert.Null(decoded.Topics);
        Assert.True(decoded.AllowAutoTopicCreation);
    }

    [Fact]
    public void ApiVersionsDowngradeResponse_IsV0WithTheApiVersionsRange()
    {
        var request = new RequestHeader { ApiKey = ApiKey.ApiVersions, ApiVersion = 99, CorrelationId = 9 };
        using var writer = new KafkaWriter();
        ResponseFrame.Write(writer, request, ApiVersionsResponse.ForUnsupportedVersion(), version: 0);
        Assert.Equal(ApiVersionsDowngradeResponse, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void ProduceV3Request_EncodesAndDecodesRecordsAsAFrameSlice()
    {
        var header = new RequestHeader { ApiKey = ApiKey.Produce, ApiVersion = 3, CorrelationId = 5 };
        var body = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 30000,
            TopicData = [new() { Name = "t", Partitions = [new() { Index = 0, Records = new byte[] { 1, 2, 3 } }] }],
        };
        Assert.Equal(ProduceV3Request, EncodeRequest(header, body));

        var frameMemory = ProduceV3Request.AsMemory(4);
        var decoded = Assert.IsType<ProduceRequest>(RequestFrame.Decode(frameMemory).Body);
        var records = decoded.TopicData[0].Partitions[0].Records!.Value;
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(records, out var segment));
        Assert.Same(ProduceV3Request, segment.Array);
        Assert.Equal(ProduceV3Request.Length - 3, segment.Offset);
    }

    [Fact]
    public void FlexibleResponseHeader_HasTaggedFields_ButApiVersionsNever()
    {
        Assert.Equal(1, SupportedApis.ResponseHeaderVersion(ApiKey.Metadata, 9));
        Assert.Equal(0, SupportedApis.ResponseHeaderVersion(ApiKey.Metadata, 8));
        Assert.Equal(0, SupportedApis.ResponseHeaderVersion(ApiKey.ApiVersions, 3));
        Assert.Equal(2, SupportedApis.RequestHeaderVersion(ApiKey.ApiVersions, 3));
        Assert.Equal(2, SupportedApis.RequestHeaderVersion(ApiKey.DescribeCluster, 0));
        Assert.Equal(1, SupportedApis.RequestHeaderVersion(ApiKey.Fetch, 11));
        Assert.Equal(1, SupportedApis.RequestHeaderVersion((ApiKey)999, 0));
    }

    private static byte[] EncodeRequest(RequestHeader header, KafkaMessage body)
    {
        using var writer = new KafkaWriter();
        RequestFrame.Write(writer, header, body);
        return writer.WrittenSpan.ToArray();
    }
}

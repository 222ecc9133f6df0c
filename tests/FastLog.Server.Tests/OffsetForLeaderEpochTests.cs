using FastLog.Broker.Configuration;
using FastLog.Client;
using FastLog.Protocol;
using FastLog.Records;
using Microsoft.Extensions.Logging.Abstractions;
using Result = FastLog.Protocol.OffsetForLeaderEpochResponse.OffsetForLeaderPartitionResult;

namespace FastLog.Server.Tests;

/// <summary>
/// OffsetForLeaderEpoch against a single-node broker (in process, ephemeral port), raw requests in
/// every version. A single node stamps no leader epoch into its batches (-1) but reports epoch 0 in
/// Metadata, so epoch 0 ends at the log end (what Kafka's single broker answers) and any other epoch
/// is unknown: NONE, leader epoch -1, end offset -1. Partitions that do not exist get UNKNOWN_TOPIC_OR_PARTITION.
/// </summary>
public sealed class OffsetForLeaderEpochTests
{
    private const string Topic = "epochs";

    public static TheoryData<short> Versions() => [0, 1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SingleNode_AnswersItsLogEndForEpochZero_UndefinedForOthers_AndUnknownTopicOrPartition(short version)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"fastlog-ofle-{Guid.NewGuid():N}");
        try
        {
            await using (var server = await BrokerServer.StartAsync(Options(directory), NullLoggerFactory.Instance))
            {
                using var client = await KafkaClientConnection.ConnectAsync(server.ListenEndPoint, new KafkaClientOptions { ClientId = "ofle-test" });
                var created = await client.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest
                {
                    Topics = [new() { Name = Topic, NumPartitions = 2, ReplicationFactor = 1 }],
                }, 5);
                Assert.Equal(ErrorCode.None, created.Topics[0].ErrorCode);

                // A batch that claims leader epoch 3: the broker stamps its own (-1 on a single node).
                var batch = new RecordBatchBuilder { PartitionLeaderEpoch = 3, FirstTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }
                    .Build([new KeyValueRecord("k"u8.ToArray(), "a"u8.ToArray()), new KeyValueRecord("k"u8.ToArray(), "b"u8.ToArray(), 1), new KeyValueRecord(null, "c"u8.ToArray(), 2)]);
                var produced = await client.SendAsync<ProduceResponse>(new ProduceRequest
                {
                    Acks = -1,
                    TimeoutMs = 30_000,
                    TopicData = [new() { Name = Topic, Partitions = [new() { Index = 0, Records = batch }] }],
                }, 8);
                Assert.Equal((ErrorCode.None, 0L), (produced.Responses[0].Partitions[0].ErrorCode, produced.Responses[0].Partitions[0].BaseOffset));

                var response = await client.SendAsync<OffsetForLeaderEpochResponse>(new OffsetForLeaderEpochRequest
                {
                    ReplicaId = -1,
                    Topics =
                    [
                        new()
                        {
                            Name = Topic,
                            Partitions =
                            [
                                Ask(0, leaderEpoch: 0, currentLeaderEpoch: 0),
                                Ask(0, leaderEpoch: 3),
                                Ask(0, leaderEpoch: -1),
                                Ask(1, leaderEpoch: 0),
                                Ask(2, leaderEpoch: 0),
                            ],
                        },
                        new() { Name = "no-such-topic", Partitions = [Ask(0, leaderEpoch: 0)] },
                    ],
                }, version);

                Assert.Equal([Topic, "no-such-topic"], response.Topics.Select(t => t.Name));
                var answers = response.Topics.SelectMany(t => t.Partitions).Select(Answer).ToList();
                // A single node's whole log is leader epoch 0 (the epoch Metadata reports): it ends at the log end.
                var epochZero = version >= 1 ? 0 : -1; // leader_epoch is answered from v1
                Assert.Equal(
                [
                    (0, ErrorCode.None, epochZero, 3L), // the batch above holds three records
                    (0, ErrorCode.None, -1, -1L),
                    (0, ErrorCode.None, -1, -1L),
                    (1, ErrorCode.None, epochZero, 0L),
                    (2, ErrorCode.UnknownTopicOrPartition, -1, -1L),
                    (0, ErrorCode.UnknownTopicOrPartition, -1, -1L),
                ], answers);
            }
        }
        finally
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task IsAdvertised_InApiVersions()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"fastlog-ofle-{Guid.NewGuid():N}");
        try
        {
            await using var server = await BrokerServer.StartAsync(Options(directory), NullLoggerFactory.Instance);
            using var client = await KafkaClientConnection.ConnectAsync(server.ListenEndPoint, new KafkaClientOptions { ClientId = "ofle-test" });
            var versions = await client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest { ClientSoftwareName = "test", ClientSoftwareVersion = "1" }, 3);
            var entry = Assert.Single(versions.ApiKeys, k => k.ApiKey == (short)ApiKey.OffsetForLeaderEpoch);
            Assert.Equal(((short)0, (short)4), (entry.MinVersion, entry.MaxVersion));
        }
        finally
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    private static OffsetForLeaderEpochRequest.OffsetForLeaderPartition Ask(int partition, int leaderEpoch, int currentLeaderEpoch = -1) =>
        new() { Partition = partition, LeaderEpoch = leaderEpoch, CurrentLeaderEpoch = currentLeaderEpoch };

    private static (int, ErrorCode, int, long) Answer(Result r) => (r.Partition, r.ErrorCode, r.LeaderEpoch, r.EndOffset);

    private static BrokerOptions Options(string directory) => new()
    {
        Listen = new HostPort("127.0.0.1", 0),
        DataDirectory = directory,
        ShardCount = 2,
        PinShards = false,
        MetricsListen = null,
    };
}

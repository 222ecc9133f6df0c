using Confluent.Kafka;
using Confluent.Kafka.Admin;
using FastLog.Protocol;
using ErrorCode = FastLog.Protocol.ErrorCode;

namespace FastLog.Broker.Tests;

/// <summary>min.insync.replicas as Kafka applies it: acks=all needs that many in-sync copies, acks=1 does not.</summary>
public sealed class MinInSyncReplicasTests
{
    [Fact]
    public async Task Acks_all_is_refused_with_NOT_ENOUGH_REPLICAS_when_the_isr_is_smaller()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = "guarded",
                NumPartitions = 1,
                ReplicationFactor = 1,
                Configs = new Dictionary<string, string> { ["min.insync.replicas"] = "2" },
            }]);
            var invalid = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = "zero",
                NumPartitions = 1,
                ReplicationFactor = 1,
                Configs = new Dictionary<string, string> { ["min.insync.replicas"] = "0" },
            }]));
            Assert.Equal(ErrorCode.InvalidConfig, (ErrorCode)invalid.Results.Single().Error.Code);
        }

        using var client = await broker.ConnectRawAsync();
        var batch = RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray());
        var all = await client.SendAsync<ProduceResponse>(RecordBatches.Produce("guarded", batch, acks: -1), 9);
        Assert.Equal(ErrorCode.NotEnoughReplicas, Assert.Single(Assert.Single(all.Responses).Partitions).ErrorCode);

        // acks=1 does not wait for replicas, so the ISR size does not matter.
        var one = await client.SendAsync<ProduceResponse>(RecordBatches.Produce("guarded", batch, acks: 1), 9);
        Assert.Equal((ErrorCode.None, 0L), (Assert.Single(Assert.Single(one.Responses).Partitions).ErrorCode, one.Responses[0].Partitions[0].BaseOffset));
    }
}

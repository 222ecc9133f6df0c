using Confluent.Kafka;
using FastLog.Chaos.Checking;
using FastLog.Testing;

namespace FastLog.Chaos.Tests;

public sealed class StoredBatchesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fastlog-stored-batches-").FullName;

    [Fact]
    public async Task EachPlace_IsDescribedByTheBatchHoldingIt_WithItsProducerFields()
    {
        using var broker = await BrokerProcess.StartAsync(new BrokerProcessOptions { DataDirectory = Path.Combine(_directory, "data"), LogPath = Path.Combine(_directory, "broker.log") });
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, LingerMs = 0 }).Build())
        {
            for (var i = 0; i < 3; i++)
            {
                await producer.ProduceAsync(new TopicPartition("described", 0), new Message<Null, string> { Value = $"v{i}" });
            }
        }

        var lines = await StoredBatches.DescribeAsync(broker.BootstrapServers, "described", [(0, 1), (0, 2), (0, 7)], limit: 2, CancellationToken.None);

        Assert.Equal(2, lines.Count);
        Assert.Matches(@"^0@1: batch \[1\.\.1\] written at leader epoch -?\d+, producer \d+ epoch 0 base sequence 1 \(1 records\)$", lines[0]);
        Assert.Matches(@"^0@2: batch \[2\.\.2\] .* base sequence 2 \(1 records\)$", lines[1]);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

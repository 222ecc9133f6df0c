using FastLog.Client;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>Kafka's idempotent-producer rules, driven with hand-built batches, across a restart.</summary>
public sealed class IdempotentProducerTests
{
    [Fact]
    public async Task Retries_AreAnsweredWithTheOriginalOffsets_GapsAndStaleEpochsAreRefused_AcrossRestarts()
    {
        await using var broker = await TestBroker.StartAsync();
        long producerId;
        using (var client = await broker.ConnectRawAsync())
        {
            var init = await client.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionTimeoutMs = 60_000 }, version: 4);
            Assert.Equal(ErrorCode.None, init.ErrorCode);
            producerId = init.ProducerId;

            Assert.Equal((ErrorCode.None, 0L), await ProduceAsync(client, producerId, epoch: 0, sequence: 0));
            Assert.Equal((ErrorCode.None, 1L), await ProduceAsync(client, producerId, epoch: 0, sequence: 1));
            Assert.Equal((ErrorCode.None, 0L), await ProduceAsync(client, producerId, epoch: 0, sequence: 0)); // a retry: no new record
        }

        await broker.RestartAsync();
        using (var client = await broker.ConnectRawAsync())
        {
            Assert.Equal((ErrorCode.None, 1L), await ProduceAsync(client, producerId, epoch: 0, sequence: 1)); // still known after restart
            Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await ProduceAsync(client, producerId, epoch: 0, sequence: 5)).Error);
            Assert.Equal((ErrorCode.None, 2L), await ProduceAsync(client, producerId, epoch: 0, sequence: 2));
            Assert.Equal((ErrorCode.None, 3L), await ProduceAsync(client, producerId, epoch: 1, sequence: 0)); // bumped epoch restarts at 0
            Assert.Equal(ErrorCode.InvalidProducerEpoch, (await ProduceAsync(client, producerId, epoch: 0, sequence: 3)).Error);
            Assert.Equal(ErrorCode.UnknownProducerId, (await ProduceAsync(client, producerId + 1000, epoch: 0, sequence: 9)).Error);

            var end = await client.SendAsync<ListOffsetsResponse>(new ListOffsetsRequest
            {
                Topics = [new() { Name = "idempotent", Partitions = [new() { PartitionIndex = 0, Timestamp = ListOffsetsRequest.LatestTimestamp }] }],
            }, version: 7);
            Assert.Equal(4, end.Topics[0].Partitions[0].Offset);
        }
    }

    private static async Task<(ErrorCode Error, long BaseOffset)> ProduceAsync(KafkaClientConnection client, long producerId, short epoch, int sequence)
    {
        var batch = RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray(), producerId, epoch, sequence);
        var response = await client.SendAsync<ProduceResponse>(RecordBatches.Produce("idempotent", batch), version: 9);
        var partition = response.Responses[0].Partitions[0];
        return (partition.ErrorCode, partition.BaseOffset);
    }
}

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
            producerId = await InitProducerIdAsync(client);

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
            Assert.Equal(4, await LogEndOffsetAsync(client));
        }
    }

    [Fact]
    public async Task RetriesArrivingWhileTheirOriginalsAreWritten_AreAnsweredWithTheOriginalOffsets()
    {
        const int Batches = 30;
        await using var broker = await TestBroker.StartAsync();
        using var first = await broker.ConnectRawAsync();
        using var second = await broker.ConnectRawAsync();
        var producerId = await InitProducerIdAsync(first);
        Assert.Equal((ErrorCode.None, 0L), await ProduceAsync(first, producerId, epoch: 0, sequence: 0));

        // Each batch goes out on both connections at once, as a client's retry on a new connection
        // races its original after a stall: whichever the owner shard checks second finds the other in flight.
        for (var sequence = 1; sequence < Batches; sequence++)
        {
            var batch = RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray(), producerId, 0, sequence);
            var answers = await Task.WhenAll(ProduceAsync(first, batch), ProduceAsync(second, batch));
            Assert.Equal((ErrorCode.None, (long)sequence), answers[0]);
            Assert.Equal(answers[0], answers[1]);
        }

        Assert.Equal(Batches, await LogEndOffsetAsync(first));
    }

    [Fact]
    public async Task RetryOlderThanTheRememberedBatches_IsDuplicateSequenceNumber_AndAppendsNothing()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        var producerId = await InitProducerIdAsync(client);
        for (var sequence = 0; sequence < 8; sequence++)
        {
            Assert.Equal((ErrorCode.None, (long)sequence), await ProduceAsync(client, producerId, epoch: 0, sequence));
        }

        // Clients take DUPLICATE_SEQUENCE_NUMBER as success: the records were stored once already.
        Assert.Equal(ErrorCode.DuplicateSequenceNumber, (await ProduceAsync(client, producerId, epoch: 0, sequence: 1)).Error);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await ProduceAsync(client, producerId, epoch: 0, sequence: 10)).Error);
        Assert.Equal(8, await LogEndOffsetAsync(client));
    }

    private static async Task<long> InitProducerIdAsync(KafkaClientConnection client)
    {
        var init = await client.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionTimeoutMs = 60_000 }, version: 4);
        Assert.Equal(ErrorCode.None, init.ErrorCode);
        return init.ProducerId;
    }

    private static async Task<long> LogEndOffsetAsync(KafkaClientConnection client)
    {
        var end = await client.SendAsync<ListOffsetsResponse>(new ListOffsetsRequest
        {
            Topics = [new() { Name = "idempotent", Partitions = [new() { PartitionIndex = 0, Timestamp = ListOffsetsRequest.LatestTimestamp }] }],
        }, version: 7);
        return end.Topics[0].Partitions[0].Offset;
    }

    private static Task<(ErrorCode Error, long BaseOffset)> ProduceAsync(KafkaClientConnection client, long producerId, short epoch, int sequence) =>
        ProduceAsync(client, RecordBatches.Single("k"u8.ToArray(), "v"u8.ToArray(), producerId, epoch, sequence));

    private static async Task<(ErrorCode Error, long BaseOffset)> ProduceAsync(KafkaClientConnection client, byte[] batch)
    {
        var response = await client.SendAsync<ProduceResponse>(RecordBatches.Produce("idempotent", batch), version: 9);
        var partition = response.Responses[0].Partitions[0];
        return (partition.ErrorCode, partition.BaseOffset);
    }
}

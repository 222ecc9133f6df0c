using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.Broker.Tests;

/// <summary>Produce requests with hand-made batches, for what real clients would never send (corrupt or hand-sequenced batches).</summary>
internal static class RecordBatches
{
    /// <summary>One uncompressed batch holding one record, stamped now; CRC-32C correct.</summary>
    public static byte[] Single(byte[] key, byte[] value, long producerId = -1, short producerEpoch = -1, int baseSequence = -1) =>
        new RecordBatchBuilder
        {
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = baseSequence,
            FirstTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        }.Build([new KeyValueRecord(key, value)]);

    public static ProduceRequest Produce(string topic, byte[] batch, short acks = -1) => new()
    {
        Acks = acks,
        TimeoutMs = 30_000,
        TopicData = [new() { Name = topic, Partitions = [new() { Index = 0, Records = batch }] }],
    };
}

using System.Net;
using Confluent.Kafka;
using FastLog.Client;
using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.Chaos.Checking;

/// <summary>
/// Where a duplicated record's copies came from: the header of the batch that holds each copy
/// (producer id, producer epoch and sequences, the leader epoch that wrote it), read from the
/// partition's leader with a Kafka Fetch after the final read, while the system still runs. Two
/// copies under one producer epoch and sequence are the broker's fault (its idempotence check let a
/// retry in); a later producer epoch is the client's (it bumped its epoch and re-sent records it
/// could not know were stored, as librdkafka does after a delivery timeout).
/// </summary>
internal static class StoredBatches
{
    private const short FetchVersion = 12;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One line per place (<c>partition@offset</c>): the batch holding it, or why it could not be
    /// read. At most <paramref name="limit"/> places; a place that cannot be described says so
    /// instead of failing the run, whose verdict is already made.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DescribeAsync(string bootstrapServers, string topic, IEnumerable<(int Partition, long Offset)> places, int limit, CancellationToken cancel)
    {
        var lines = new List<string>();
        Confluent.Kafka.Metadata metadata;
        try
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
            metadata = admin.GetMetadata(topic, RequestTimeout);
        }
        catch (KafkaException e)
        {
            return [$"(the stored batches could not be described: {e.Message})"];
        }

        foreach (var (partition, offset) in places.Take(limit))
        {
            lines.Add($"{partition}@{offset}: {await DescribeAsync(metadata, topic, partition, offset, cancel).ConfigureAwait(false)}");
        }

        return lines;
    }

    private static async Task<string> DescribeAsync(Confluent.Kafka.Metadata metadata, string topic, int partition, long offset, CancellationToken cancel)
    {
        var leader = metadata.Topics.SingleOrDefault()?.Partitions.SingleOrDefault(p => p.PartitionId == partition)?.Leader;
        if (metadata.Brokers.SingleOrDefault(b => b.BrokerId == leader) is not { } broker)
        {
            return "no leader to read it from";
        }

        try
        {
            using var connection = await KafkaClientConnection.ConnectAsync(new DnsEndPoint(broker.Host, broker.Port), new KafkaClientOptions(), cancel).ConfigureAwait(false);
            var request = new FetchRequest
            {
                MaxWaitMs = 0,
                MaxBytes = 1 << 20,
                Topics = [new TopicData<FetchRequest.FetchPartition> { Name = topic, Partitions = [new FetchRequest.FetchPartition { Partition = partition, FetchOffset = offset, PartitionMaxBytes = 1 << 20 }] }],
            };
            var answer = (await connection.SendAsync<FetchResponse>(request, FetchVersion, cancel).ConfigureAwait(false)).Responses.Single().Partitions.Single();
            if (answer.ErrorCode != FastLog.Protocol.ErrorCode.None || answer.Records is not MemoryRecords { Length: >= RecordBatchHeader.Size } records)
            {
                return $"not read ({answer.ErrorCode})";
            }

            var header = RecordBatchHeader.Read(records.Bytes.Span);
            return $"batch [{header.BaseOffset}..{header.LastOffset}] written at leader epoch {header.PartitionLeaderEpoch}, producer {header.ProducerId} epoch {header.ProducerEpoch} base sequence {header.BaseSequence} ({header.RecordCount} records)";
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or ProtocolException or InvalidOperationException)
        {
            return $"not read ({e.Message})";
        }
    }
}

using System.CommandLine;
using FastLog.Protocol;

namespace FastLog.Host.Cli;

/// <summary>`fastlog topic describe NAME`: partitions with leader and offsets (Metadata, ListOffsets), then the configs in force (DescribeConfigs), then with --metrics the log cleaner's figures (TopicCommands.Cleaner.cs).</summary>
public static partial class TopicCommands
{
    private static Command DescribeCommand(Option<string> bootstrap)
    {
        var name = new Argument<string>("NAME") { Description = "the topic" };
        var metrics = new Option<string?>("--metrics") { Description = "HOST:PORT of the broker's /metrics endpoint (fastlog.metrics.listen): also show the log cleaner's figures of compacted partitions" };
        var command = new Command("describe", "Show a topic's partitions, offsets and configs.") { name, metrics };
        BrokerCommandAction.Set(command, bootstrap, async (parse, connection, output, cancel) =>
        {
            var topicName = parse.GetRequiredValue(name);
            var metadata = await connection.SendAsync<MetadataResponse>(
                new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topicName }], AllowAutoTopicCreation = false }, MetadataVersion, cancel);
            var topic = metadata.Topics.Single();
            if (topic.ErrorCode != ErrorCode.None)
            {
                throw CliException.Refused($"cannot describe topic '{topicName}'", topic.ErrorCode, null);
            }

            var partitions = topic.Partitions.OrderBy(p => p.PartitionIndex).ToList();
            var earliest = await OffsetsAsync(connection, topicName, partitions, ListOffsetsRequest.EarliestTimestamp, cancel);
            var latest = await OffsetsAsync(connection, topicName, partitions, ListOffsetsRequest.LatestTimestamp, cancel);
            await output.WriteLineAsync($"Topic: {topicName}\tTopicId: {topic.TopicId}\tPartitionCount: {partitions.Count}\tReplicationFactor: {partitions.FirstOrDefault()?.ReplicaNodes.Count ?? 0}");
            foreach (var p in partitions)
            {
                await output.WriteLineAsync(
                    $"\tPartition: {p.PartitionIndex}\tLeader: {p.LeaderId}\tReplicas: {string.Join(',', p.ReplicaNodes)}\tIsr: {string.Join(',', p.IsrNodes)}" +
                    $"\tLogStartOffset: {earliest[p.PartitionIndex]}\tHighWatermark: {latest[p.PartitionIndex]}");
            }

            var configs = await connection.SendAsync<DescribeConfigsResponse>(
                new DescribeConfigsRequest { Resources = [new DescribeConfigsRequest.DescribeConfigsResource { ResourceType = ConfigResourceType.Topic, ResourceName = topicName }] },
                DescribeConfigsVersion, cancel);
            var result = configs.Results.Single();
            if (result.ErrorCode != ErrorCode.None)
            {
                throw CliException.Refused($"cannot describe the configs of topic '{topicName}'", result.ErrorCode, result.ErrorMessage);
            }

            await output.WriteLineAsync("Configs:");
            foreach (var config in result.Configs.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                await output.WriteLineAsync($"\t{config.Name}={config.Value}\t({SourceName(config.ConfigSource)})");
            }

            if (parse.GetValue(metrics) is { } metricsAddress)
            {
                await WriteCleanerFiguresAsync(metricsAddress, topicName, output, cancel);
            }
        });
        return command;
    }

    /// <summary>The earliest or latest offset of every partition, by partition index (one ListOffsets request).</summary>
    private static async Task<Dictionary<int, string>> OffsetsAsync(
        BrokerConnection connection, string topic, List<MetadataResponse.MetadataResponsePartition> partitions, long timestamp, CancellationToken cancel)
    {
        var request = new ListOffsetsRequest
        {
            Topics =
            [
                new TopicData<ListOffsetsRequest.ListOffsetsPartition>
                {
                    Name = topic,
                    Partitions = partitions.Select(p => new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = p.PartitionIndex, Timestamp = timestamp }).ToList(),
                },
            ],
        };
        var response = await connection.SendAsync<ListOffsetsResponse>(request, ListOffsetsVersion, cancel);
        return response.Topics.SelectMany(t => t.Partitions).ToDictionary(
            p => p.PartitionIndex,
            p => p.ErrorCode == ErrorCode.None ? Int(p.Offset) : CliException.KafkaName(p.ErrorCode));
    }

    /// <summary>Kafka's config_source numbers in words.</summary>
    private static string SourceName(sbyte source) => source switch
    {
        1 => "topic",
        2 or 3 or 4 => "broker",
        5 => "default",
        _ => "unknown",
    };
}

using System.CommandLine;
using System.Globalization;
using FastLog.Protocol;

namespace FastLog.Host.Cli;

/// <summary>
/// `fastlog topic create|list|describe|delete`: topic administration of a running broker over the
/// Kafka protocol (the same requests any Kafka admin client sends), at fixed API versions the
/// broker serves. Output goes to the invocation's Output; failures print "fastlog: ..." to its
/// Error and exit with 1, naming the Kafka error when the broker refused.
/// </summary>
public static partial class TopicCommands
{
    private const short MetadataVersion = 12;
    private const short CreateTopicsVersion = 7;
    private const short DeleteTopicsVersion = 6;
    private const short DescribeConfigsVersion = 4;
    private const short ListOffsetsVersion = 7;

    public static Command Create()
    {
        var bootstrap = BrokerCommandAction.BootstrapOption();
        var topic = new Command("topic", "Create, list, describe and delete topics on a running broker.");
        topic.Options.Add(bootstrap);
        topic.Subcommands.Add(CreateCommand(bootstrap));
        topic.Subcommands.Add(ListCommand(bootstrap));
        topic.Subcommands.Add(DescribeCommand(bootstrap));
        topic.Subcommands.Add(DeleteCommand(bootstrap));
        return topic;
    }

    private static Command CreateCommand(Option<string> bootstrap)
    {
        var name = new Argument<string>("NAME") { Description = "the topic" };
        var partitions = new Option<int>("--partitions") { Description = "number of partitions (default: the broker's num.partitions)", DefaultValueFactory = _ => -1 };
        var replicationFactor = new Option<short>("--replication-factor") { Description = "replicas of each partition, in a cluster (default: the broker's default.replication.factor)", DefaultValueFactory = _ => -1 };
        var configs = new Option<string[]>("--config") { Description = "a topic config KEY=VALUE (repeatable)" };
        var command = new Command("create", "Create a topic.") { name, partitions, replicationFactor, configs };
        BrokerCommandAction.Set(command, bootstrap, async (parse, connection, output, cancel) =>
        {
            var topicName = parse.GetRequiredValue(name);
            var topic = new CreateTopicsRequest.CreatableTopic { Name = topicName, NumPartitions = parse.GetValue(partitions), ReplicationFactor = parse.GetValue(replicationFactor) };
            foreach (var config in parse.GetValue(configs) ?? [])
            {
                var equals = config.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new CliException($"--config expects KEY=VALUE, not '{config}'");
                }

                topic.Configs.Add(new ConfigEntry { Name = config[..equals], Value = config[(equals + 1)..] });
            }

            var response = await connection.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest { Topics = [topic], TimeoutMs = 30_000 }, CreateTopicsVersion, cancel);
            var result = response.Topics.Single();
            if (result.ErrorCode != ErrorCode.None)
            {
                throw CliException.Refused($"cannot create topic '{topicName}'", result.ErrorCode, result.ErrorMessage);
            }

            await output.WriteLineAsync($"Created topic {topicName} with {result.NumPartitions} partition(s), id {result.TopicId}.");
        });
        return command;
    }

    private static Command ListCommand(Option<string> bootstrap)
    {
        var command = new Command("list", "List the topics, one name per line.");
        BrokerCommandAction.Set(command, bootstrap, async (_, connection, output, cancel) =>
        {
            var metadata = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null, AllowAutoTopicCreation = false }, MetadataVersion, cancel);
            foreach (var name in metadata.Topics.Select(t => t.Name).Order(StringComparer.Ordinal))
            {
                await output.WriteLineAsync(name);
            }
        });
        return command;
    }

    private static Command DeleteCommand(Option<string> bootstrap)
    {
        var name = new Argument<string>("NAME") { Description = "the topic" };
        var command = new Command("delete", "Delete a topic and all its records.") { name };
        BrokerCommandAction.Set(command, bootstrap, async (parse, connection, output, cancel) =>
        {
            var topicName = parse.GetRequiredValue(name);
            var response = await connection.SendAsync<DeleteTopicsResponse>(
                new DeleteTopicsRequest { Topics = [new DeleteTopicsRequest.DeleteTopicState { Name = topicName }], TimeoutMs = 30_000 }, DeleteTopicsVersion, cancel);
            var result = response.Responses.Single();
            if (result.ErrorCode != ErrorCode.None)
            {
                throw CliException.Refused($"cannot delete topic '{topicName}'", result.ErrorCode, result.ErrorMessage);
            }

            await output.WriteLineAsync($"Deleted topic {topicName}.");
        });
        return command;
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}

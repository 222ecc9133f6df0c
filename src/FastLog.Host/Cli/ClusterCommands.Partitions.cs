using System.CommandLine;
using System.Globalization;
using FastLog.Protocol;

namespace FastLog.Host.Cli;

/// <summary>
/// `fastlog cluster reassign|reassignments|elect-leaders`: Kafka's partition operations
/// (AlterPartitionReassignments, ListPartitionReassignments, ElectLeaders), for operators without
/// Kafka's Java tools. Any broker takes them; the controller decides.
/// </summary>
public static partial class ClusterCommands
{
    private const short AlterPartitionReassignmentsVersion = 0;
    private const short ListPartitionReassignmentsVersion = 0;
    private const short ElectLeadersVersion = 2;

    private static Command ReassignCommand(Option<string> bootstrap)
    {
        var topic = new Argument<string>("TOPIC") { Description = "the topic" };
        var partition = new Argument<int>("PARTITION") { Description = "the partition" };
        var replicas = new Option<string>("--replicas") { Description = "the new replicas, comma-separated broker ids, the preferred leader first" };
        var cancel = new Option<bool>("--cancel") { Description = "cancel the partition's reassignment in progress instead" };
        var command = new Command("reassign", "Move a partition to new replicas (copied before the old ones are dropped), or cancel its reassignment.") { topic, partition, replicas, cancel };
        BrokerCommandAction.Set(command, bootstrap, async (parse, connection, output, token) =>
        {
            var (topicName, index) = (parse.GetRequiredValue(topic), parse.GetRequiredValue(partition));
            var target = (parse.GetValue(replicas), parse.GetValue(cancel)) switch
            {
                (null, true) => null,
                ({ } list, false) => BrokerIds(list),
                _ => throw new CliException("give either --replicas or --cancel"),
            };
            var response = await connection.SendAsync<AlterPartitionReassignmentsResponse>(new AlterPartitionReassignmentsRequest
            {
                TimeoutMs = 30_000,
                Topics = [new() { Name = topicName, Partitions = [new() { PartitionIndex = index, Replicas = target }] }],
            }, AlterPartitionReassignmentsVersion, token);
            var result = response.ErrorCode != ErrorCode.None
                ? new PartitionResult { ErrorCode = response.ErrorCode, ErrorMessage = response.ErrorMessage }
                : response.Responses.Single().Partitions.Single();
            if (result.ErrorCode != ErrorCode.None)
            {
                throw CliException.Refused($"cannot reassign {topicName}-{index}", result.ErrorCode, result.ErrorMessage);
            }

            await output.WriteLineAsync(target is null
                ? $"Cancelled the reassignment of {topicName}-{index}."
                : $"Reassigning {topicName}-{index} to {string.Join(',', target)}; `fastlog cluster reassignments` lists it until the new replicas are in sync.");
        });
        return command;
    }

    private static Command ReassignmentsCommand(Option<string> bootstrap)
    {
        var command = new Command("reassignments", "List the partition reassignments in progress.");
        BrokerCommandAction.Set(command, bootstrap, async (_, connection, output, token) =>
        {
            var response = await connection.SendAsync<ListPartitionReassignmentsResponse>(new ListPartitionReassignmentsRequest { TimeoutMs = 30_000 }, ListPartitionReassignmentsVersion, token);
            if (response.ErrorCode != ErrorCode.None)
            {
                throw CliException.Refused("cannot list the reassignments", response.ErrorCode, response.ErrorMessage);
            }

            var ongoing = response.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p))).OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.p.PartitionIndex).ToList();
            if (ongoing.Count == 0)
            {
                await output.WriteLineAsync("No reassignment in progress.");
            }

            foreach (var (name, p) in ongoing)
            {
                await output.WriteLineAsync($"{name}-{p.PartitionIndex}\tReplicas: {string.Join(',', p.Replicas)}\tAdding: {string.Join(',', p.AddingReplicas)}\tRemoving: {string.Join(',', p.RemovingReplicas)}");
            }
        });
        return command;
    }

    private static Command ElectLeadersCommand(Option<string> bootstrap)
    {
        var partitions = new Option<string[]>("--partition") { Description = "TOPIC:PARTITION to elect (repeatable; default: every partition)" };
        var unclean = new Option<bool>("--unclean") { Description = "give a partition without a live in-sync leader its first live replica, losing what only the old ISR had (default: preferred election)" };
        var command = new Command("elect-leaders", "Make each partition's preferred replica its leader, or with --unclean elect an out-of-sync one where no in-sync replica is live.") { partitions, unclean };
        BrokerCommandAction.Set(command, bootstrap, async (parse, connection, output, token) =>
        {
            var asked = parse.GetValue(partitions) is { Length: > 0 } given
                ? given.Select(TopicPartitionOf).GroupBy(p => p.Topic).Select(g => new ElectLeadersRequest.TopicPartitions { Topic = g.Key, Partitions = g.Select(p => p.Partition).ToList() }).ToList()
                : null;
            var response = await connection.SendAsync<ElectLeadersResponse>(new ElectLeadersRequest { ElectionType = parse.GetValue(unclean) ? (sbyte)1 : (sbyte)0, Topics = asked, TimeoutMs = 30_000 }, ElectLeadersVersion, token);
            if (response.ErrorCode != ErrorCode.None)
            {
                throw CliException.Refused("cannot elect leaders", response.ErrorCode, null);
            }

            var failed = new List<string>();
            foreach (var topic in response.Results.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                foreach (var p in topic.Partitions.OrderBy(p => p.PartitionIndex))
                {
                    var outcome = p.ErrorCode == ErrorCode.None ? "elected" : $"{CliException.KafkaName(p.ErrorCode)}{(p.ErrorMessage is null ? "" : $" ({p.ErrorMessage})")}";
                    await output.WriteLineAsync($"{topic.Name}-{p.PartitionIndex}\t{outcome}");
                    if (p.ErrorCode is not (ErrorCode.None or ErrorCode.ElectionNotNeeded))
                    {
                        failed.Add($"{topic.Name}-{p.PartitionIndex}");
                    }
                }
            }

            if (failed.Count > 0)
            {
                throw new CliException($"no leader elected for {string.Join(", ", failed)}");
            }
        });
        return command;
    }

    private static List<int> BrokerIds(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries).Select(id => int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var broker)
            ? broker
            : throw new CliException($"--replicas expects comma-separated broker ids, not '{list}'")).ToList();

    private static (string Topic, int Partition) TopicPartitionOf(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            ? (text[..colon], partition)
            : throw new CliException($"--partition expects TOPIC:PARTITION, not '{text}'");
    }
}

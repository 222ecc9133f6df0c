using System.CommandLine;
using FastLog.Protocol;

namespace FastLog.Host.Cli;

/// <summary>
/// `fastlog cluster add|remove BROKER`: growing and shrinking a running cluster. A broker joins by
/// being started with a new node id (and the cluster's --quorum-voters and --cluster-seeds); `add`
/// then moves it its share of replicas. `remove` moves every replica off a broker before it is
/// stopped for good. Both are AlterPartitionReassignments plans (<see cref="ReplicaMoves"/>): each
/// new replica copies the partition before an old one is dropped, so nothing is unprotected on the way.
/// </summary>
public static partial class ClusterCommands
{
    /// <summary>How often --wait asks whether the moves are done.</summary>
    private static readonly TimeSpan ReassignmentPoll = TimeSpan.FromMilliseconds(500);

    private static Command AddBrokerCommand(Option<string> bootstrap) => MembershipCommand(bootstrap, "add",
        "Move a share of the replicas to a broker that joined (started with a new --node-id): each broker then holds about as many.",
        mustBeLive: true,
        (assignments, broker, brokers) => ReplicaMoves.Add(assignments, broker, brokers),
        broker => $"Broker {broker} holds its share of the replicas.");

    private static Command RemoveBrokerCommand(Option<string> bootstrap) => MembershipCommand(bootstrap, "remove",
        "Move every replica off a broker (copied first), so that it can be stopped for good.",
        mustBeLive: false,
        (assignments, broker, brokers) => ReplicaMoves.Remove(assignments, broker, brokers),
        broker => $"Broker {broker} holds no replica: stop it; the cluster fences it and lists it no more.");

    /// <summary>One of the two: <paramref name="mustBeLive"/> when the broker must be a live member (one to move replicas to; a broker to remove may be down already).</summary>
    private static Command MembershipCommand(Option<string> bootstrap, string name, string description, bool mustBeLive,
        Func<IReadOnlyList<ReplicaMoves.Assignment>, int, IReadOnlyCollection<int>, ReplicaMoves.Plan> plan, Func<int, string> done)
    {
        var broker = new Argument<int>("BROKER") { Description = "the broker's node id" };
        var wait = new Option<bool>("--wait") { Description = "return once every moved replica is in sync (else at once; `fastlog cluster reassignments` shows the progress)" };
        var command = new Command(name, description) { broker, wait };
        BrokerCommandAction.Set(command, bootstrap, async (parse, connection, output, token) =>
        {
            var id = parse.GetRequiredValue(broker);
            var (assignments, brokers) = await AssignmentsAsync(connection, token);
            if (mustBeLive && !brokers.Contains(id))
            {
                throw new CliException($"broker {id} is not a live member of the cluster (live: {string.Join(',', brokers.Order())}); start it first");
            }

            var moves = plan(assignments, id, brokers);
            if (moves.Stuck.Count > 0)
            {
                throw new CliException($"no live broker can take the replica of {string.Join(", ", moves.Stuck.Select(s => $"{s.Topic}-{s.Partition}"))} on broker {id}: every other broker holds one already");
            }

            if (moves.Moves.Count == 0)
            {
                await output.WriteLineAsync(done(id));
                return;
            }

            var response = await connection.SendAsync<AlterPartitionReassignmentsResponse>(new AlterPartitionReassignmentsRequest
            {
                TimeoutMs = 30_000,
                Topics = moves.Moves.GroupBy(m => m.Topic).Select(t => new AlterPartitionReassignmentsRequest.ReassignableTopic
                {
                    Name = t.Key,
                    Partitions = t.Select(m => new AlterPartitionReassignmentsRequest.ReassignablePartition { PartitionIndex = m.Partition, Replicas = [.. m.Replicas] }).ToList(),
                }).ToList(),
            }, AlterPartitionReassignmentsVersion, token);
            if (response.ErrorCode != ErrorCode.None)
            {
                throw CliException.Refused($"cannot {name} broker {id}", response.ErrorCode, response.ErrorMessage);
            }

            var refused = response.Responses.SelectMany(t => t.Partitions.Where(p => p.ErrorCode != ErrorCode.None).Select(p => $"{t.Name}-{p.PartitionIndex}: {CliException.KafkaName(p.ErrorCode)}")).ToList();
            foreach (var move in moves.Moves)
            {
                await output.WriteLineAsync($"{move.Topic}-{move.Partition}\t-> {string.Join(',', move.Replicas)}");
            }

            if (refused.Count > 0)
            {
                throw new CliException($"reassignments refused: {string.Join("; ", refused)}");
            }

            if (parse.GetValue(wait))
            {
                await WaitForReassignmentsAsync(connection, moves.Moves, token);
                await output.WriteLineAsync(done(id));
            }
            else
            {
                await output.WriteLineAsync($"Moving {moves.Moves.Count} replica(s); `fastlog cluster reassignments` lists them until they are in sync.");
            }
        });
        return command;
    }

    /// <summary>Every partition's replicas (the internal __consumer_offsets too: a leaving broker must hand over its replicas of it) and the live brokers.</summary>
    private static async Task<(List<ReplicaMoves.Assignment> Assignments, List<int> Brokers)> AssignmentsAsync(BrokerConnection connection, CancellationToken token)
    {
        var all = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null, AllowAutoTopicCreation = false }, MetadataVersion, token);
        var offsets = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new() { Name = "__consumer_offsets" }], AllowAutoTopicCreation = false }, MetadataVersion, token);
        var assignments = all.Topics.Concat(offsets.Topics.Where(t => t.ErrorCode == ErrorCode.None))
            .DistinctBy(t => t.Name)
            .SelectMany(t => t.Partitions.Select(p => new ReplicaMoves.Assignment(t.Name!, p.PartitionIndex, p.ReplicaNodes)))
            .ToList();
        return (assignments, all.Brokers.Select(b => b.NodeId).ToList());
    }

    private static async Task WaitForReassignmentsAsync(BrokerConnection connection, IReadOnlyList<ReplicaMoves.Assignment> moves, CancellationToken token)
    {
        var pending = moves.Select(m => (m.Topic, m.Partition)).ToHashSet();
        while (true)
        {
            var listed = await connection.SendAsync<ListPartitionReassignmentsResponse>(new ListPartitionReassignmentsRequest { TimeoutMs = 30_000 }, ListPartitionReassignmentsVersion, token);
            if (!listed.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex))).Any(pending.Contains))
            {
                return;
            }

            await Task.Delay(ReassignmentPoll, token);
        }
    }
}

using System.CommandLine;
using FastLog.Protocol;

namespace FastLog.Host.Cli;

/// <summary>
/// `fastlog cluster describe`: the cluster as a running broker sees it, over the Kafka protocol
/// (DescribeCluster, Metadata): the brokers with their racks, the controller, and every
/// partition's leader, leader epoch, replicas, ISR and offline replicas. The partition operations
/// (reassign, reassignments, elect-leaders) are in ClusterCommands.Partitions.cs, adding and
/// removing brokers (add, remove) in ClusterCommands.Membership.cs.
/// </summary>
public static partial class ClusterCommands
{
    private const short DescribeClusterVersion = 1;
    private const short MetadataVersion = 12;

    public static Command Create()
    {
        var bootstrap = BrokerCommandAction.BootstrapOption();
        var describe = new Command("describe", "Show the brokers, the controller and every partition's leader and ISR.");
        BrokerCommandAction.Set(describe, bootstrap, async (_, connection, output, cancel) =>
        {
            var cluster = await connection.SendAsync<DescribeClusterResponse>(new DescribeClusterRequest(), DescribeClusterVersion, cancel);
            if (cluster.ErrorCode != ErrorCode.None)
            {
                throw CliException.Refused("cannot describe the cluster", cluster.ErrorCode, cluster.ErrorMessage);
            }

            await output.WriteLineAsync($"Cluster: {cluster.ClusterId}\tController: {cluster.ControllerId}");
            await output.WriteLineAsync("Brokers:");
            foreach (var broker in cluster.Brokers.OrderBy(b => b.NodeId))
            {
                await output.WriteLineAsync($"\t{broker.NodeId}\t{broker.Host}:{broker.Port}\track: {broker.Rack ?? "-"}");
            }

            var metadata = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null, AllowAutoTopicCreation = false }, MetadataVersion, cancel);
            await output.WriteLineAsync("Partitions:");
            foreach (var topic in metadata.Topics.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                foreach (var p in topic.Partitions.OrderBy(p => p.PartitionIndex))
                {
                    var leader = p.LeaderId >= 0 ? p.LeaderId.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
                    await output.WriteLineAsync(
                        $"\t{topic.Name}-{p.PartitionIndex}\tLeader: {leader}\tEpoch: {p.LeaderEpoch}\tReplicas: {string.Join(',', p.ReplicaNodes)}\tIsr: {string.Join(',', p.IsrNodes)}" +
                        (p.OfflineReplicas.Count > 0 ? $"\tOffline: {string.Join(',', p.OfflineReplicas)}" : ""));
                }
            }
        });
        var command = new Command("cluster", "Describe the cluster a running broker belongs to, move partitions' replicas, elect leaders, add and remove brokers.");
        command.Options.Add(bootstrap);
        command.Subcommands.Add(describe);
        command.Subcommands.Add(ReassignCommand(bootstrap));
        command.Subcommands.Add(ReassignmentsCommand(bootstrap));
        command.Subcommands.Add(ElectLeadersCommand(bootstrap));
        command.Subcommands.Add(AddBrokerCommand(bootstrap));
        command.Subcommands.Add(RemoveBrokerCommand(bootstrap));
        return command;
    }
}

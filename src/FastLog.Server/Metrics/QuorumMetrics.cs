using System.Globalization;
using System.Text;
using FastLog.Broker.Coordination;

namespace FastLog.Server.Metrics;

/// <summary>The metadata quorum as this broker sees it: whether it is a voter and whether the controller, how far it has applied the log, the brokers and partitions the image holds, and leader changes.</summary>
internal static class QuorumMetrics
{
    public static void Render(StringBuilder text, ClusterCoordinator coordinator)
    {
        var image = coordinator.Image;
        Gauge(text, "fastlog_metadata_controller", "1 while this broker is the controller (the metadata quorum's Raft leader), else 0.", coordinator.IsController ? 1 : 0);
        Gauge(text, "fastlog_metadata_voter", "1 on a metadata quorum voter, 0 on an observer (a broker beyond controller.quorum.voters).", coordinator.Metadata.IsVoter ? 1 : 0);
        Gauge(text, "fastlog_metadata_controller_id", "The controller's node id as this broker knows it (-1 during an election).", coordinator.ControllerId);
        Gauge(text, "fastlog_metadata_applied_offset", "Index of the last metadata log entry this broker applied (compare across brokers for metadata lag).", image.Offset);
        BrokerMetrics.Header(text, "fastlog_metadata_brokers", "gauge", "Registered brokers in the metadata image, by state.");
        text.Append(CultureInfo.InvariantCulture, $"fastlog_metadata_brokers{{state=\"unfenced\"}} {image.Brokers.Values.Count(b => !b.Fenced)}\n");
        text.Append(CultureInfo.InvariantCulture, $"fastlog_metadata_brokers{{state=\"fenced\"}} {image.Brokers.Values.Count(b => b.Fenced)}\n");
        var partitions = image.TopicsByName.Values.SelectMany(t => t.Partitions).ToList();
        Gauge(text, "fastlog_partitions_led", "Partitions this broker leads.", partitions.Count(p => p.Leader == coordinator.NodeId));
        Gauge(text, "fastlog_partitions_offline", "Partitions with no leader (no live in-sync replica).", partitions.Count(p => !p.HasLeader));
        // As Kafka counts them: during a reassignment the replication factor is the target's, not the replica list's (target plus the replicas being removed).
        Gauge(text, "fastlog_partitions_under_replicated", "Partitions this broker leads whose ISR is smaller than their replica set (Kafka's UnderReplicatedPartitions).",
            partitions.Count(p => p.Leader == coordinator.NodeId && p.Isr.Length < p.TargetReplicas.Length));
        Gauge(text, "fastlog_partitions_reassigning", "Partitions this broker leads with a reassignment in progress (Kafka's ReassigningPartitions).",
            partitions.Count(p => p.Leader == coordinator.NodeId && p.IsReassigning));
        BrokerMetrics.Header(text, "fastlog_isr_change_requests_total", "counter", "ISR changes this broker's leaders asked the controller for, by outcome.");
        text.Append(CultureInfo.InvariantCulture, $"fastlog_isr_change_requests_total{{result=\"made\"}} {coordinator.IsrChangesMade}\n");
        text.Append(CultureInfo.InvariantCulture, $"fastlog_isr_change_requests_total{{result=\"refused\"}} {coordinator.IsrChangesRefused}\n");
        BrokerMetrics.Header(text, "fastlog_partition_leader_changes_total", "counter", "Partition leader changes this broker has applied since it started.");
        text.Append(CultureInfo.InvariantCulture, $"fastlog_partition_leader_changes_total {coordinator.LeaderChanges}\n");
    }

    private static void Gauge(StringBuilder text, string name, string help, double value)
    {
        BrokerMetrics.Header(text, name, "gauge", help);
        text.Append(CultureInfo.InvariantCulture, $"{name} {value}\n");
    }
}

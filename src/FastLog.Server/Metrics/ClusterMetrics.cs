using System.Globalization;
using System.Text;
using FastLog.Cluster;

namespace FastLog.Server.Metrics;

/// <summary>
/// The gossip layer's Prometheus metrics: members by state (from the published view) and the
/// gossip shard's message counters (see GossipCounters for their single-writer protocol).
/// </summary>
internal static class ClusterMetrics
{
    public static void Render(StringBuilder text, ClusterView view, GossipCounters counters)
    {
        BrokerMetrics.Header(text, "fastlog_cluster_members", "gauge", "Cluster members known to this broker (itself included), by state.");
        foreach (var state in Enum.GetValues<MemberState>())
        {
            text.Append(CultureInfo.InvariantCulture, $"fastlog_cluster_members{{state=\"{state.ToString().ToLowerInvariant()}\"}} {view.CountIn(state)}\n");
        }

        BrokerMetrics.Counter(text, "fastlog_cluster_messages_sent_total", "Gossip datagrams sent.", counters.Sent);
        BrokerMetrics.Counter(text, "fastlog_cluster_messages_received_total", "Gossip datagrams received (dropped ones included).", counters.Received);
        BrokerMetrics.Header(text, "fastlog_cluster_messages_dropped_total", "counter", "Gossip datagrams dropped, by reason.");
        text.Append(CultureInfo.InvariantCulture, $"fastlog_cluster_messages_dropped_total{{reason=\"malformed\"}} {counters.DroppedMalformed}\n");
        text.Append(CultureInfo.InvariantCulture, $"fastlog_cluster_messages_dropped_total{{reason=\"version\"}} {counters.DroppedVersion}\n");
        text.Append(CultureInfo.InvariantCulture, $"fastlog_cluster_messages_dropped_total{{reason=\"foreign_cluster\"}} {counters.DroppedForeignCluster}\n");
        BrokerMetrics.Counter(text, "fastlog_cluster_send_failures_total", "Gossip datagrams the kernel refused to send.", counters.SendFailures);
        BrokerMetrics.Counter(text, "fastlog_cluster_receive_failures_total", "Failed gossip socket receives.", counters.ReceiveFailures);
        BrokerMetrics.Counter(text, "fastlog_cluster_refutations_total", "Times this broker refuted a suspicion about itself.", counters.Refutations);
    }
}

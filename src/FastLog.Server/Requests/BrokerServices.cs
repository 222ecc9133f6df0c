using FastLog.Broker.Admin;
using FastLog.Broker.Configuration;
using FastLog.Broker.Coordination;
using FastLog.Broker.Groups;
using FastLog.Server.Metrics;
using FastLog.Server.Network;
using FastLog.Broker.Partitions;
using FastLog.Broker.Producers;
using FastLog.Broker.Topics;
using FastLog.Cluster;
using Microsoft.Extensions.Logging;

namespace FastLog.Server.Requests;

/// <summary>What request handlers use: the broker's options, topics, partitions and counters.</summary>
internal sealed class BrokerServices(
    BrokerOptions options,
    IReadOnlyList<ListenerEndpoint> listeners,
    TopicRegistry topics,
    PartitionManager partitions,
    TopicLifecycle topicLifecycle,
    ProducerIdAllocator producerIds,
    BrokerMetrics metrics,
    ILoggerFactory loggers)
{
    public BrokerOptions Options { get; } = options;

    /// <summary>Every bound listener, in the order of the listeners setting (a request's own is its connection's <see cref="ConnectionContext.Listener"/>).</summary>
    public IReadOnlyList<ListenerEndpoint> Listeners { get; } = listeners;

    public TopicRegistry Topics { get; } = topics;

    public PartitionManager Partitions { get; } = partitions;

    public TopicLifecycle TopicLifecycle { get; } = topicLifecycle;

    public ProducerIdAllocator ProducerIds { get; } = producerIds;

    public BrokerMetrics Metrics { get; } = metrics;

    public ILoggerFactory Loggers { get; } = loggers;

    /// <summary>The group coordinator: consumer groups and committed offsets.</summary>
    public required GroupCoordinator Groups { get; init; }

    /// <summary>Gossip membership; null on a single node (no --cluster-listen).</summary>
    public ClusterMembership? Cluster { get; init; }

    /// <summary>This broker's part in the metadata quorum; null without controller.quorum.voters (a single node, or gossip only).</summary>
    public ClusterCoordinator? Coordinator { get; init; }
}

using FastLog.Broker.Topics;
using FastLog.Cluster;

namespace FastLog.Broker.Configuration;

/// <summary>
/// Everything a broker is started with. Defaults are the embedded default of the README:
/// 127.0.0.1:9092, ./data, one shard per core, topics auto-created.
/// Kafka's server.properties names are accepted in the config file (the host's BrokerOptionsLoader maps them).
/// </summary>
public sealed class BrokerOptions
{
    /// <summary>listeners: the named addresses Kafka clients connect to, each bound on every shard (see <see cref="ListenerRules"/>).</summary>
    public List<ListenerAddress> Listeners { get; set; } = [new(ListenerAddress.DefaultName, new HostPort("127.0.0.1", 9092))];

    /// <summary>Shorthand for a single listener named PLAINTEXT (replaces <see cref="Listeners"/>); reads the first listener's address.</summary>
    public HostPort Listen
    {
        get => Listeners[0].Address;
        set => Listeners = [new(ListenerAddress.DefaultName, value)];
    }

    /// <summary>
    /// advertised.listeners: what Metadata (and FindCoordinator, DescribeCluster) tell a client
    /// that connected to the listener of the same name. A listener without an entry advertises
    /// its own address, with the bound port when it asked for port 0.
    /// </summary>
    public List<ListenerAddress> AdvertisedListeners { get; set; } = [];

    /// <summary>listener.security.protocol.map: listener name -> security protocol (Kafka's default map; FastLog serves PLAINTEXT only).</summary>
    public Dictionary<string, string> ListenerSecurityProtocolMap { get; set; } = ListenerRules.DefaultSecurityProtocolMap();

    /// <summary>
    /// inter.broker.listener.name: the listener other brokers use (default: the first listener). Its
    /// advertised address is the one gossip tells the other brokers; replication will use it too.
    /// </summary>
    public string? InterBrokerListenerName { get; set; }

    /// <summary>
    /// log.dirs: every directory holding partition logs (Kafka's JBOD: one per disk). A new partition
    /// goes to the one holding the fewest partitions; see <see cref="Partitions.LogDirectories"/>.
    /// </summary>
    public List<string> DataDirectories { get; set; } = ["data"];

    /// <summary>
    /// The first of <see cref="DataDirectories"/>: it also holds the broker-wide files (topics.json,
    /// producer ids, the consumer-offsets logs). Setting it replaces the list with this one directory.
    /// </summary>
    public string DataDirectory
    {
        get => DataDirectories[0];
        set => DataDirectories = [value];
    }

    public int ShardCount { get; set; } = Environment.ProcessorCount;

    /// <summary>Pin shard threads to cores; off only for tests that run many brokers on a 2-core machine.</summary>
    public bool PinShards { get; set; } = true;

    /// <summary>
    /// How long (µs) an idle shard polls its rings and completions before sleeping in the kernel.
    /// Polling saves the wake-up (an eventfd write and a context switch) when the next message comes
    /// quickly, but every microsecond polled is CPU taken from whatever else runs on the core. Off
    /// by default: on a 2-core machine shared with its clients, 50 µs of polling cost 13 % of the
    /// broker's CPU and lowered produce throughput (the clients lost the core); a dedicated machine
    /// can turn it on for a little less latency.
    /// </summary>
    public int IdlePollMicroseconds { get; set; }

    public int NodeId { get; set; }

    /// <summary>Kafka's cluster.id; also the gossip cluster id (nodes of another id are never merged).</summary>
    public string ClusterId { get; set; } = "fastlog-cluster";

    /// <summary>Kafka's broker.rack, reported in DescribeCluster; null when unset.</summary>
    public string? Rack { get; set; }

    /// <summary>
    /// The gossip UDP address (an address other brokers can reach; port 0 picks one); null (the
    /// default) runs a single node without gossip. See FastLog.Cluster.
    /// </summary>
    public HostPort? ClusterListen { get; set; }

    /// <summary>Gossip addresses of brokers to join through.</summary>
    public List<HostPort> ClusterSeeds { get; set; } = [];

    /// <summary>
    /// controller.quorum.voters: the metadata quorum's voters by node id with their Raft TCP
    /// address ("1@host:9301,2@host:9302,3@host:9303"), at most <see cref="MaxQuorumVoters"/>.
    /// Empty (the default) runs a single node with no quorum; set, the broker takes topics and
    /// leaders from the committed metadata image: as a Raft voter when the list names this node,
    /// else as an observer that follows the voters' committed image. Needs gossip.
    /// </summary>
    public Dictionary<int, HostPort> QuorumVoters { get; set; } = [];

    /// <summary>
    /// More voters would make every commit wait for more acknowledgements and survive no failure a
    /// five-voter quorum does not (KRaft's advice is 3 or 5 controllers); the other brokers observe.
    /// </summary>
    public const int MaxQuorumVoters = 5;

    /// <summary>True for a broker of a cluster that is not one of <see cref="QuorumVoters"/>: it observes the metadata log.</summary>
    public bool IsQuorumObserver => QuorumVoters.Count > 0 && !QuorumVoters.ContainsKey(NodeId);

    /// <summary>default.replication.factor: replicas of an auto-created topic, or of one created with replication factor -1 (Kafka's 1).</summary>
    public int DefaultReplicationFactor { get; set; } = 1;

    /// <summary>
    /// replica.lag.time.max.ms: a follower that has not caught up with the leader's log end for this
    /// long leaves the ISR (Kafka's 30 s); it rejoins once it has caught up again.
    /// </summary>
    public int ReplicaLagTimeMaxMs { get; set; } = 30_000;

    /// <summary>
    /// replica.flush.before.fetch: a follower fdatasyncs what it appended before its next fetch tells
    /// the leader its log end, so an acks=all record is on disk on min.insync.replicas brokers before
    /// the producer hears "ok" (stronger than Kafka, which counts page-cache copies). false: Kafka's behaviour.
    /// </summary>
    public bool ReplicaFlushBeforeFetch { get; set; } = true;

    /// <summary>offsets.topic.replication.factor: replicas of each __consumer_offsets partition in a cluster (Kafka's 3; fewer when the quorum has fewer voters).</summary>
    public int OffsetsTopicReplicationFactor { get; set; } = 3;

    public bool AutoCreateTopics { get; set; } = true;

    public int DefaultPartitions { get; set; } = 1;

    /// <summary>Largest request frame accepted (Kafka's socket.request.max.bytes, 100 MiB); larger frames close the connection.</summary>
    public int MaxRequestBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>max.connections: client connections the broker holds at once (Kafka's default: no limit); one more is closed at accept.</summary>
    public int MaxConnections { get; set; } = int.MaxValue;

    /// <summary>max.connections.per.ip: connections one client address may hold (Kafka's default: no limit); one more is closed at accept.</summary>
    public int MaxConnectionsPerIp { get; set; } = int.MaxValue;

    /// <summary>max.connections.per.ip.overrides: per-address exceptions to <see cref="MaxConnectionsPerIp"/>, by host name or IP address.</summary>
    public Dictionary<string, int> MaxConnectionsPerIpOverrides { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>connections.max.idle.ms: a connection with no request in progress and no bytes either way for this long is closed (Kafka's 10 minutes).</summary>
    public long ConnectionsMaxIdleMs { get; set; } = 600_000;

    /// <summary>
    /// fastlog.request.read.timeout.ms: how long a request may take to arrive once its first byte
    /// has; a slower one closes the connection, so a client trickling bytes cannot hold it forever.
    /// 60 s: librdkafka's socket.timeout.ms (and twice the Java client's request.timeout.ms), so a
    /// request that slow was given up by its client already.
    /// </summary>
    public int RequestReadTimeoutMs { get; set; } = 60_000;

    /// <summary>
    /// fastlog.fd.reserve: file descriptors kept free for the runtime and storage (threads, segment
    /// rolls, checkpoints, new partitions); a connection that would eat into them is closed at accept.
    /// </summary>
    public int FileDescriptorReserve { get; set; } = 128;

    public AckDurability AckDurability { get; set; } = AckDurability.Written;

    /// <summary>How often written-but-not-synced data is made durable (ms).</summary>
    public int FlushIntervalMs { get; set; } = 100;

    /// <summary>log.cleaner.backoff.ms: how often a compacted partition checks whether it is due for cleaning (Kafka's default).</summary>
    public int LogCleanerBackoffMs { get; set; } = 15_000;

    /// <summary>
    /// log.cleaner.dedupe.buffer.size: memory for the cleaner's key-hash -> offset maps, all shards
    /// together (Kafka's default, which Kafka splits over its cleaner threads): each shard cleans one
    /// partition at a time with an equal share, allocated only while a pass runs.
    /// </summary>
    public long LogCleanerDedupeBufferSize { get; set; } = 128L << 20;

    /// <summary>
    /// fastlog.scrub.bytes.per.second: how fast each shard re-reads the closed segments of its
    /// partitions to check every batch's CRC-32C (0 = no scrub). Modest by default so it never
    /// competes with consumers for the disk.
    /// </summary>
    public long ScrubBytesPerSecond { get; set; } = 4L << 20;

    /// <summary>Where the Prometheus /metrics endpoint listens; null disables it.</summary>
    public HostPort? MetricsListen { get; set; }

    /// <summary>
    /// group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for
    /// more members to join, so a starting fleet of consumers forms one generation, not one per member.
    /// Kafka's default (3 s); tests use a few milliseconds.
    /// </summary>
    public int GroupInitialRebalanceDelayMs { get; set; } = 3000;

    /// <summary>group.min.session.timeout.ms: the shortest session timeout a group member may ask for (Kafka's default).</summary>
    public int GroupMinSessionTimeoutMs { get; set; } = 6000;

    /// <summary>group.max.session.timeout.ms: the longest session timeout a group member may ask for (Kafka's default).</summary>
    public int GroupMaxSessionTimeoutMs { get; set; } = 1_800_000;

    /// <summary>group.max.size: the most members a classic group accepts; further joiners get GROUP_MAX_SIZE_REACHED (Kafka's default: no limit).</summary>
    public int GroupMaxSize { get; set; } = int.MaxValue;

    /// <summary>offsets.retention.minutes (in ms): committed offsets of a group that stays empty this long are deleted (Kafka's 7 days).</summary>
    public long OffsetsRetentionMs { get; set; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>offsets.retention.check.interval.ms: how often expired offsets are removed (Kafka's 10 minutes).</summary>
    public int OffsetsRetentionCheckIntervalMs { get; set; } = 600_000;

    /// <summary>Broker-wide topic config defaults (log.segment.bytes and friends), by topic config name.</summary>
    public Dictionary<string, string> TopicDefaults { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The gossip node's identity and seeds (protocol parameters at their defaults, see
    /// FastLog.Cluster/README.md), or null when <see cref="ClusterListen"/> is off. Resolves host
    /// names, so call it at startup, not on a shard.
    /// </summary>
    public GossipOptions? ToGossipOptions(HostPort advertised) => ClusterListen is not { } listen ? null : new GossipOptions
    {
        ClusterId = ClusterId,
        NodeId = NodeId,
        GossipEndPoint = listen.ToBindEndPoint(),
        KafkaHost = advertised.Host,
        KafkaPort = advertised.Port,
        Rack = Rack,
        Seeds = ClusterSeeds.Select(seed => seed.ToBindEndPoint()).ToList(),
    };

    public void Validate()
    {
        if (ShardCount < 1 || ShardCount > 256)
        {
            throw new ArgumentException($"shards must be 1-256, not {ShardCount}");
        }

        if (IdlePollMicroseconds < 0 || IdlePollMicroseconds > 1_000_000)
        {
            throw new ArgumentException($"idle poll must be 0-1000000 µs, not {IdlePollMicroseconds}");
        }

        if (DefaultPartitions < 1)
        {
            throw new ArgumentException($"default partitions must be >= 1, not {DefaultPartitions}");
        }

        if (MaxRequestBytes < 1024)
        {
            throw new ArgumentException($"max request bytes must be >= 1024, not {MaxRequestBytes}");
        }

        if (MaxConnections < 1 || MaxConnectionsPerIp < 0 || MaxConnectionsPerIpOverrides.Values.Any(v => v < 0))
        {
            throw new ArgumentException("max.connections must be >= 1, max.connections.per.ip and its overrides >= 0");
        }

        if (ConnectionsMaxIdleMs < 1 || RequestReadTimeoutMs < 1 || FileDescriptorReserve < 16)
        {
            throw new ArgumentException("connections.max.idle.ms and fastlog.request.read.timeout.ms must be >= 1, fastlog.fd.reserve >= 16");
        }

        if (LogCleanerBackoffMs < 1 || LogCleanerDedupeBufferSize < 1 << 20)
        {
            throw new ArgumentException("log.cleaner.backoff.ms must be >= 1 and log.cleaner.dedupe.buffer.size >= 1048576");
        }

        if (FlushIntervalMs < 1)
        {
            throw new ArgumentException($"flush interval must be >= 1 ms, not {FlushIntervalMs}");
        }

        if (ScrubBytesPerSecond < 0)
        {
            throw new ArgumentException($"fastlog.scrub.bytes.per.second must be >= 0, not {ScrubBytesPerSecond}");
        }

        if (GroupInitialRebalanceDelayMs < 0 || GroupMinSessionTimeoutMs < 1 || GroupMaxSessionTimeoutMs < GroupMinSessionTimeoutMs)
        {
            throw new ArgumentException("group settings: the initial rebalance delay must be >= 0 and 1 <= min session timeout <= max session timeout");
        }

        if (GroupMaxSize < 1)
        {
            throw new ArgumentException($"group.max.size must be >= 1, not {GroupMaxSize}");
        }

        if (OffsetsRetentionMs < 1 || OffsetsRetentionCheckIntervalMs < 1)
        {
            throw new ArgumentException("offsets retention and its check interval must be >= 1 ms");
        }

        if (DataDirectories.Count == 0 || DataDirectories.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("log.dirs (--data-dir) needs at least one directory, and no empty entry");
        }

        if (DataDirectories.Select(Path.GetFullPath).GroupBy(d => d.TrimEnd('/')).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"log.dirs (--data-dir) names {twice.Key} twice");
        }

        ListenerRules.Validate(this);

        if (ClusterListen is null && ClusterSeeds.Count > 0)
        {
            throw new ArgumentException("cluster seeds need a gossip address to listen on (--cluster-listen / fastlog.cluster.listen)");
        }

        if (QuorumVoters.Count > 0 && ClusterListen is null)
        {
            throw new ArgumentException("controller.quorum.voters needs gossip (--cluster-listen / fastlog.cluster.listen)");
        }

        if (QuorumVoters.Count > MaxQuorumVoters)
        {
            throw new ArgumentException($"controller.quorum.voters lists {QuorumVoters.Count} voters; at most {MaxQuorumVoters} are allowed (list 3 or 5: every other broker observes the metadata log)");
        }

        if (ReplicaLagTimeMaxMs < 100)
        {
            throw new ArgumentException($"replica.lag.time.max.ms must be >= 100, not {ReplicaLagTimeMaxMs}");
        }

        if (DefaultReplicationFactor < 1 || OffsetsTopicReplicationFactor < 1)
        {
            throw new ArgumentException($"default.replication.factor and offsets.topic.replication.factor must be >= 1, not {DefaultReplicationFactor} and {OffsetsTopicReplicationFactor}");
        }

        foreach (var (name, value) in TopicDefaults)
        {
            TopicConfigCatalog.Validate(name, value);
        }
    }

    /// <summary>Parses controller.quorum.voters: "id@host:port,..." (Kafka's syntax); one clear error for a bad entry.</summary>
    public static Dictionary<int, HostPort> ParseQuorumVoters(string value)
    {
        var voters = new Dictionary<int, HostPort>();
        foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = entry.IndexOf('@', StringComparison.Ordinal);
            if (at < 1 || !int.TryParse(entry.AsSpan(0, at), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                || !voters.TryAdd(id, HostPort.Parse(entry[(at + 1)..])))
            {
                throw new ArgumentException($"controller.quorum.voters entry '{entry}' is not ID@HOST:PORT with a distinct id");
            }
        }

        return voters;
    }
}

using System.Globalization;
using FastLog.Broker.Configuration;
using FastLog.Broker.Topics;

namespace FastLog.Host.Configuration;

/// <summary>
/// Reads a Kafka-style server.properties file (key=value, '#' and '!' comments) into <see cref="BrokerOptions"/>.
/// Kafka's own key names are used where a Kafka setting means the same thing, so an existing
/// server.properties mostly carries over; FastLog-only settings are prefixed "fastlog.".
/// Unknown keys are reported back (and logged by the caller), not fatal: real Kafka configs carry
/// many settings (SASL, replication) that have no meaning on a single FastLog node.
/// </summary>
public static class BrokerOptionsLoader
{
    public static IReadOnlyList<string> ApplyFile(BrokerOptions options, string path)
    {
        var unknown = new List<string>();
        var lineNumber = 0;
        foreach (var rawLine in File.ReadLines(path))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                throw new FormatException($"{path}:{lineNumber}: expected key=value");
            }

            var key = line[..separator].Trim();
            var value = line[(separator + 1)..].Trim();
            try
            {
                if (!Apply(options, key, value))
                {
                    unknown.Add(key);
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
                throw new FormatException($"{path}:{lineNumber}: {key}: {e.Message}", e);
            }
        }

        return unknown;
    }

    /// <summary>Applies one setting; false when the key is not one FastLog knows.</summary>
    public static bool Apply(BrokerOptions options, string key, string value)
    {
        switch (key)
        {
            case "listeners":
                options.Listeners = ListenerAddress.ParseList(value);
                return true;
            case "advertised.listeners":
                options.AdvertisedListeners = ListenerAddress.ParseList(value);
                return true;
            case "listener.security.protocol.map":
                options.ListenerSecurityProtocolMap = ParseSecurityProtocolMap(value);
                return true;
            case "inter.broker.listener.name":
                options.InterBrokerListenerName = value.Length == 0 ? null : value.ToUpperInvariant();
                return true;
            case "log.dirs" or "log.dir":
                options.DataDirectories = ParseDirectories(value);
                return true;
            case "node.id" or "broker.id":
                options.NodeId = Int(value);
                return true;
            case "cluster.id":
                options.ClusterId = value;
                return true;
            case "broker.rack":
                options.Rack = value.Length == 0 ? null : value;
                return true;
            case "fastlog.cluster.listen":
                options.ClusterListen = value.Length == 0 ? null : HostPort.Parse(value);
                return true;
            case "controller.quorum.voters":
                options.QuorumVoters = BrokerOptions.ParseQuorumVoters(value);
                return true;
            case "default.replication.factor":
                options.DefaultReplicationFactor = Int(value);
                return true;
            case "replica.lag.time.max.ms":
                options.ReplicaLagTimeMaxMs = Int(value);
                return true;
            case "replica.flush.before.fetch":
                options.ReplicaFlushBeforeFetch = bool.Parse(value);
                return true;
            case "offsets.topic.replication.factor":
                options.OffsetsTopicReplicationFactor = Int(value);
                return true;
            case "fastlog.cluster.seeds":
                options.ClusterSeeds = ParseSeeds(value);
                return true;
            case "num.partitions":
                options.DefaultPartitions = Int(value);
                return true;
            case "auto.create.topics.enable":
                options.AutoCreateTopics = bool.Parse(value);
                return true;
            case "socket.request.max.bytes":
                options.MaxRequestBytes = Int(value);
                return true;
            case "max.connections":
                options.MaxConnections = Int(value);
                return true;
            case "max.connections.per.ip":
                options.MaxConnectionsPerIp = Int(value);
                return true;
            case "max.connections.per.ip.overrides":
                options.MaxConnectionsPerIpOverrides = ParseOverrides(value);
                return true;
            case "connections.max.idle.ms":
                options.ConnectionsMaxIdleMs = long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                return true;
            case "fastlog.request.read.timeout.ms":
                options.RequestReadTimeoutMs = Int(value);
                return true;
            case "fastlog.fd.reserve":
                options.FileDescriptorReserve = Int(value);
                return true;
            case "log.flush.interval.ms":
                options.FlushIntervalMs = Int(value);
                return true;
            case "log.cleaner.backoff.ms":
                options.LogCleanerBackoffMs = Int(value);
                return true;
            case "log.cleaner.dedupe.buffer.size":
                options.LogCleanerDedupeBufferSize = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                return true;
            case "group.initial.rebalance.delay.ms":
                options.GroupInitialRebalanceDelayMs = Int(value);
                return true;
            case "group.min.session.timeout.ms":
                options.GroupMinSessionTimeoutMs = Int(value);
                return true;
            case "group.max.session.timeout.ms":
                options.GroupMaxSessionTimeoutMs = Int(value);
                return true;
            case "group.max.size":
                options.GroupMaxSize = Int(value);
                return true;
            case "offsets.retention.minutes":
                options.OffsetsRetentionMs = Int(value) * 60_000L;
                return true;
            case "offsets.retention.check.interval.ms":
                options.OffsetsRetentionCheckIntervalMs = Int(value);
                return true;
            case "fastlog.shards":
                options.ShardCount = Int(value);
                return true;
            case "fastlog.idle.poll.us":
                options.IdlePollMicroseconds = Int(value);
                return true;
            case "fastlog.ack.durability":
                options.AckDurability = Enum.Parse<AckDurability>(value, ignoreCase: true);
                return true;
            case "fastlog.scrub.bytes.per.second":
                options.ScrubBytesPerSecond = long.Parse(value, CultureInfo.InvariantCulture);
                return true;
            case "fastlog.metrics.listen":
                options.MetricsListen = value.Length == 0 ? null : HostPort.Parse(value);
                return true;
        }

        if (TopicConfigCatalog.TryMapBrokerKey(key, value, out var topicConfig, out var topicValue))
        {
            TopicConfigCatalog.Validate(topicConfig, topicValue);
            options.TopicDefaults[topicConfig] = topicValue;
            return true;
        }

        return false;
    }

    /// <summary>Kafka's comma-separated log.dirs: every entry is used (JBOD), the first also holds the broker-wide files.</summary>
    public static List<string> ParseDirectories(string value) => [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>"host:port,host:port" (empty: none).</summary>
    public static List<HostPort> ParseSeeds(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(HostPort.Parse).ToList();

    /// <summary>Kafka's "host:count,host:count" (an IPv6 address keeps its colons: the count follows the last one).</summary>
    private static Dictionary<string, int> ParseOverrides(string value) =>
        Pairs(value, "host:count").ToDictionary(e => e.Key, e => Int(e.Value), StringComparer.OrdinalIgnoreCase);

    /// <summary>Kafka's "NAME:PROTOCOL,..." (names and protocols are case-insensitive; Kafka keeps them upper case). It replaces Kafka's default map, as in Kafka.</summary>
    private static Dictionary<string, string> ParseSecurityProtocolMap(string value)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, protocol) in Pairs(value, "NAME:PROTOCOL"))
        {
            if (!map.TryAdd(name.ToUpperInvariant(), protocol.ToUpperInvariant()))
            {
                throw new FormatException($"listener {name} is mapped twice");
            }
        }

        return map;
    }

    /// <summary>"key:value,key:value": the value follows the last colon.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Pairs(string value, string form) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.LastIndexOf(':') is var colon and > 0
                ? KeyValuePair.Create(entry[..colon].Trim(), entry[(colon + 1)..].Trim())
                : throw new FormatException($"'{entry}' is not {form}"));

    private static int Int(string value) => int.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}

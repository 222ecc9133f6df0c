using FastLog.Broker.Topics;

namespace FastLog.Broker.Configuration;

/// <summary>
/// Everything a broker is started with. Defaults are the embedded default of the README:
/// 127.0.0.1:9092, ./data, one shard per core, topics auto-created.
/// Kafka's server.properties names are accepted in the config file (see <see cref="BrokerOptionsLoader"/>).
/// </summary>
internal sealed class BrokerOptions
{
    public HostPort Listen { get; set; } = new("127.0.0.1", 9092);

    /// <summary>The address put in Metadata responses; defaults to <see cref="Listen"/> (with the bound port when Listen asks for port 0).</summary>
    public HostPort? Advertise { get; set; }

    public string DataDirectory { get; set; } = "data";

    public int ShardCount { get; set; } = Environment.ProcessorCount;

    /// <summary>Pin shard threads to cores; off only for tests that run many brokers on a 2-core machine.</summary>
    public bool PinShards { get; set; } = true;

    public int NodeId { get; set; }

    public string ClusterId { get; set; } = "fastlog-cluster";

    public bool AutoCreateTopics { get; set; } = true;

    public int DefaultPartitions { get; set; } = 1;

    /// <summary>Largest request frame accepted (Kafka's socket.request.max.bytes, 100 MiB); larger frames close the connection.</summary>
    public int MaxRequestBytes { get; set; } = 100 * 1024 * 1024;

    public AckDurability AckDurability { get; set; } = AckDurability.Written;

    /// <summary>How often written-but-not-synced data is made durable (ms).</summary>
    public int FlushIntervalMs { get; set; } = 100;

    /// <summary>Where the Prometheus /metrics endpoint listens; null disables it.</summary>
    public HostPort? MetricsListen { get; set; }

    /// <summary>Broker-wide topic config defaults (log.segment.bytes and friends), by topic config name.</summary>
    public Dictionary<string, string> TopicDefaults { get; } = new(StringComparer.Ordinal);

    public void Validate()
    {
        if (ShardCount < 1 || ShardCount > 256)
        {
            throw new ArgumentException($"shards must be 1-256, not {ShardCount}");
        }

        if (DefaultPartitions < 1)
        {
            throw new ArgumentException($"default partitions must be >= 1, not {DefaultPartitions}");
        }

        if (MaxRequestBytes < 1024)
        {
            throw new ArgumentException($"max request bytes must be >= 1024, not {MaxRequestBytes}");
        }

        if (FlushIntervalMs < 1)
        {
            throw new ArgumentException($"flush interval must be >= 1 ms, not {FlushIntervalMs}");
        }

        foreach (var (name, value) in TopicDefaults)
        {
            TopicConfigCatalog.Validate(name, value);
        }
    }
}

using System.CommandLine;
using FastLog.Broker.Configuration;

namespace FastLog.Host.Configuration;

/// <summary>
/// The `fastlog serve` command line. A config file (Kafka server.properties style) is applied
/// first; options given on the command line override it.
/// </summary>
internal sealed class ServeCommandOptions
{
    public Option<string?> ConfigFile { get; } = new("--config") { Description = "server.properties-style config file (Kafka key names; see README)" };
    public Option<string?> Listen { get; } = new("--listen") { Description = "HOST:PORT to accept Kafka clients on (default 127.0.0.1:9092); replaces the config's listeners (NAME://HOST:PORT,... names several)" };
    public Option<string?> Advertise { get; } = new("--advertise") { Description = "HOST:PORT clients are told to connect to (default: the listen address); replaces the config's advertised.listeners" };
    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "directory holding the logs (default ./data); DIR,DIR,... uses several disks, as log.dirs" };
    public Option<int?> Shards { get; } = new("--shards") { Description = "number of shards, one pinned thread each (default: one per core)" };
    public Option<int?> IdlePoll { get; } = new("--idle-poll-us") { Description = "microseconds an idle shard polls before sleeping in the kernel (default 0: sleep at once)" };
    public Option<int?> NodeId { get; } = new("--node-id") { Description = "this broker's node id (default 0)" };
    public Option<int?> Partitions { get; } = new("--partitions") { Description = "partitions of auto-created topics (default 1)" };
    public Option<bool?> AutoCreateTopics { get; } = new("--auto-create-topics") { Description = "create unknown topics on Metadata/Produce (default true)" };
    public Option<string?> AckDurability { get; } = new("--ack-durability") { Description = "when acks=1 is answered: 'written' (default) or 'durable' (after fdatasync); acks=all always waits for fdatasync" };
    public Option<string?> ClusterListen { get; } = new("--cluster-listen") { Description = "HOST:PORT (UDP) to gossip cluster membership on, reachable by the other brokers (default: off, single node)" };
    public Option<string?> ClusterSeeds { get; } = new("--cluster-seeds") { Description = "HOST:PORT,... gossip addresses of brokers to join through" };
    public Option<string?> QuorumVoters { get; } = new("--quorum-voters") { Description = "ID@HOST:PORT,... the metadata quorum's voters, at most 5 (Kafka's controller.quorum.voters; Raft over TCP); a broker not listed observes the metadata log (default: none, single node)" };
    public Option<string?> ClusterId { get; } = new("--cluster-id") { Description = "cluster id (default fastlog-cluster); brokers of another id never join this cluster" };
    public Option<string?> Rack { get; } = new("--rack") { Description = "this broker's rack (Kafka's broker.rack), reported by DescribeCluster" };
    public Option<int?> MaxConnections { get; } = new("--max-connections") { Description = "client connections held at once, more are closed at accept (Kafka's max.connections; default no limit)" };
    public Option<int?> MaxConnectionsPerIp { get; } = new("--max-connections-per-ip") { Description = "connections one client address may hold (Kafka's max.connections.per.ip; default no limit)" };
    public Option<string?> Metrics { get; } = new("--metrics") { Description = "HOST:PORT of the Prometheus /metrics endpoint (default 127.0.0.1:9644; 'off' disables)" };

    /// <summary>How the broker logs: a host concern (the sink), so not one of the broker's options.</summary>
    public Option<string> LogFormat { get; } = CreateLogFormatOption();

    public Command CreateCommand(string name, string description)
    {
        var command = new Command(name, description);
        foreach (var option in new Option[] { ConfigFile, Listen, Advertise, DataDir, Shards, IdlePoll, NodeId, Partitions, AutoCreateTopics, AckDurability, MaxConnections, MaxConnectionsPerIp, Metrics, ClusterListen, ClusterSeeds, QuorumVoters, ClusterId, Rack, LogFormat })
        {
            command.Options.Add(option);
        }

        return command;
    }

    /// <summary>Builds the options: defaults, then the config file, then the command line.</summary>
    public BrokerOptions Bind(ParseResult parse, out IReadOnlyList<string> unknownConfigKeys)
    {
        var options = new BrokerOptions { MetricsListen = new HostPort("127.0.0.1", 9644) };
        var configFile = parse.GetValue(ConfigFile);
        unknownConfigKeys = configFile is null ? [] : BrokerOptionsLoader.ApplyFile(options, configFile);

        if (parse.GetValue(Listen) is { } listen)
        {
            options.Listeners = ParseListeners("--listen", listen, ListenerAddress.DefaultName);
        }

        if (parse.GetValue(Advertise) is { } advertise)
        {
            // A bare HOST:PORT advertises the first listener (the only one, with --listen HOST:PORT).
            options.AdvertisedListeners = ParseListeners("--advertise", advertise, options.Listeners[0].Name);
        }

        if (parse.GetValue(DataDir) is { } dataDir)
        {
            options.DataDirectories = BrokerOptionsLoader.ParseDirectories(dataDir);
        }

        options.ShardCount = parse.GetValue(Shards) ?? options.ShardCount;
        options.IdlePollMicroseconds = parse.GetValue(IdlePoll) ?? options.IdlePollMicroseconds;
        options.NodeId = parse.GetValue(NodeId) ?? options.NodeId;
        options.DefaultPartitions = parse.GetValue(Partitions) ?? options.DefaultPartitions;
        options.AutoCreateTopics = parse.GetValue(AutoCreateTopics) ?? options.AutoCreateTopics;
        options.MaxConnections = parse.GetValue(MaxConnections) ?? options.MaxConnections;
        options.MaxConnectionsPerIp = parse.GetValue(MaxConnectionsPerIp) ?? options.MaxConnectionsPerIp;
        if (parse.GetValue(AckDurability) is { } durability)
        {
            options.AckDurability = Enum.Parse<AckDurability>(durability, ignoreCase: true);
        }

        if (parse.GetValue(Metrics) is { } metrics)
        {
            options.MetricsListen = metrics == "off" ? null : HostPort.Parse(metrics);
        }

        if (parse.GetValue(ClusterListen) is { } clusterListen)
        {
            options.ClusterListen = HostPort.Parse(clusterListen);
        }

        if (parse.GetValue(QuorumVoters) is { } voters)
        {
            options.QuorumVoters = BrokerOptions.ParseQuorumVoters(voters);
        }

        if (parse.GetValue(ClusterSeeds) is { } seeds)
        {
            options.ClusterSeeds = BrokerOptionsLoader.ParseSeeds(seeds);
        }

        options.ClusterId = parse.GetValue(ClusterId) ?? options.ClusterId;
        options.Rack = parse.GetValue(Rack) ?? options.Rack;
        options.Validate();
        return options;
    }

    private static List<ListenerAddress> ParseListeners(string option, string value, string defaultName)
    {
        try
        {
            return ListenerAddress.ParseList(value, defaultName);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{option}: {e.Message}", e);
        }
    }

    private static Option<string> CreateLogFormatOption()
    {
        var option = new Option<string>("--log-format")
        {
            Description = "'text' (default: one line per event) or 'json' (one JSON object per line, for log shippers)",
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }
}

using System.Globalization;

namespace FastLog.LoadTests.Scenarios;

/// <summary>The `run` command's options into a <see cref="ScenarioOptions"/>.</summary>
internal static class ScenarioArguments
{
    public static ScenarioOptions Parse(Dictionary<string, string> args)
    {
        var defaults = new ScenarioOptions();
        var load = args.TryGetValue("load", out var l) ? Enum.Parse<LoadSimulation>(l, ignoreCase: true) : defaults.Load;
        return new ScenarioOptions
        {
            Name = args.GetValueOrDefault("name", defaults.Name),
            BootstrapServers = args.GetValueOrDefault("bootstrap", defaults.BootstrapServers),
            Topic = args.GetValueOrDefault("topic", defaults.Topic),
            Partitions = CommandLine.Int(args, "partitions", defaults.Partitions),
            ReplicationFactor = (short)CommandLine.Int(args, "replication-factor", defaults.ReplicationFactor),
            MinInSyncReplicas = args.ContainsKey("min-insync-replicas") ? CommandLine.Int(args, "min-insync-replicas", 1) : defaults.MinInSyncReplicas,
            RecordSize = CommandLine.Int(args, "record-size", defaults.RecordSize),
            Producers = CommandLine.Int(args, "producers", defaults.Producers),
            Consumers = CommandLine.Int(args, "consumers", defaults.Consumers),
            Load = load,
            Rate = CommandLine.Double(args, "rate", defaults.Rate),
            RampFromRate = CommandLine.Double(args, "ramp-from", defaults.RampFromRate),
            InFlight = CommandLine.Int(args, "in-flight", defaults.InFlight),
            Acks = args.GetValueOrDefault("acks") is "all" ? -1 : CommandLine.Int(args, "acks", defaults.Acks),
            LingerMs = CommandLine.Double(args, "linger-ms", defaults.LingerMs),
            Warmup = TimeSpan.FromSeconds(CommandLine.Double(args, "warmup", defaults.Warmup.TotalSeconds)),
            Duration = TimeSpan.FromSeconds(CommandLine.Double(args, "duration", defaults.Duration.TotalSeconds)),
            Interval = TimeSpan.FromSeconds(CommandLine.Double(args, "interval", defaults.Interval.TotalSeconds)),
            MaxBytes = args.TryGetValue("max-bytes", out var max) ? long.Parse(max, CultureInfo.InvariantCulture) : 0,
            CatchUp = args.ContainsKey("catch-up"),
            Client = args.TryGetValue("client", out var client) ? Enum.Parse<LoadClient>(client, ignoreCase: true) : defaults.Client,
            BatchBytes = CommandLine.Int(args, "batch-kib", defaults.BatchBytes >> 10) << 10,
        };
    }
}

using System.Globalization;
using FastLog.Chaos.Faults;
using FastLog.Testing;

namespace FastLog.Chaos;

/// <summary>The run as the command line describes it (`scripts/chaos.sh --help`).</summary>
internal sealed record ChaosOptions
{
    public const string Usage = """
        usage: scripts/chaos.sh [options]
          --cycles N              faults to inject (default 100)
          --seed N                seed of the fault schedule; the same seed replays it (default: random, printed)
          --faults LIST           kinds to draw from, or none: kill,pause,disk on one node (the default there);
                                  kill,pause,leader-kill,controller-kill,isolate,split,bridge,rolling-restart
                                  on a cluster (all by default; isolate, split and bridge need root and the
                                  ip tool), and disk there when named (every broker on a loop-mounted disk);
                                  none with --bootstrap.
                                  KIND:N gives exact counts, shuffled by the seed (--cycles is their sum):
                                  leader-kill:100,pause:50,isolate:50,controller-kill:30
          --cluster N             start N brokers (3 to 5, every one a quorum voter) instead of one node
          --acks all|1            all: idempotent acks=all producers (default); 1: acks=1, not idempotent
          --ack-durability written|durable   the broker's --ack-durability (default written)
          --duration SECONDS      stop injecting faults after this long; without faults: how long to run (default 60)
          --bootstrap HOST:PORT   run against your own deployment instead of starting a broker (no faults)
          --partitions N          partitions of the run's topic (default 3)
          --replication-factor N  of the run's topic (default 1; 3 with --cluster)
          --min-insync-replicas N of the run's topic (default: the broker's, 1; 2 with --cluster)
          --producers N           producers (default 3)
          --rate N                writes per second per producer (default 500)
          --out DIR               report directory (default artifacts/chaos/<time>)
          --broker PATH           fastlog.dll or published fastlog to run (default: the one built with the harness)
        exit code: 0 no violation, 1 violations found, 2 the run could not be done
        """;

    /// <summary>The quorum's limit on voters, and LocalCluster makes every broker one.</summary>
    private const int MaxBrokers = 5;

    public int Cycles { get; init; } = 100;

    public int Seed { get; init; } = Random.Shared.Next();

    /// <summary>Null: the default for the system (every fault it supports).</summary>
    public IReadOnlyList<FaultKind>? Faults { get; init; }

    /// <summary>Exact counts per kind (KIND:N in --faults; <see cref="Cycles"/> is their sum), or null: kinds drawn at random.</summary>
    public IReadOnlyDictionary<FaultKind, int>? FaultCounts { get; init; }

    /// <summary>Brokers of a cluster to start, or null: one node.</summary>
    public int? Cluster { get; init; }

    public bool AcksAll { get; init; } = true;

    public string AckDurability { get; init; } = "written";

    public TimeSpan? Duration { get; init; }

    public string? Bootstrap { get; init; }

    public int Partitions { get; init; } = 3;

    /// <summary>Null: 1 on one node, 3 on a cluster.</summary>
    public short? ReplicationFactor { get; init; }

    /// <summary>Null: the broker's default on one node, 2 on a cluster.</summary>
    public short? MinInsyncReplicas { get; init; }

    public int Producers { get; init; } = 3;

    public int Rate { get; init; } = 500;

    public string? Out { get; init; }

    public string BrokerPath { get; init; } = FastlogExecutable.DefaultPath;

    public FaultTiming Timing { get; init; } = new();

    /// <summary>The command line as given, for the report's replay line.</summary>
    public string CommandLine { get; init; } = "";

    /// <exception cref="ArgumentException">An unknown option or a bad value (the message says which).</exception>
    public static ChaosOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ChaosOptions { CommandLine = string.Join(' ', args) };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Number(int min) => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min ? n : throw new ArgumentException($"{name} takes a whole number >= {min}");
            options = name switch
            {
                "--cycles" => options with { Cycles = Number(0) },
                "--seed" => options with { Seed = Number(0) },
                "--faults" => ParseFaults(options, Value()),
                "--cluster" => options with { Cluster = Number(3) is var brokers && brokers <= MaxBrokers ? brokers : throw new ArgumentException($"--cluster takes 3 to {MaxBrokers} brokers (every broker is a quorum voter)") },
                "--acks" => options with { AcksAll = Value() switch { "all" or "-1" => true, "1" => false, var v => throw new ArgumentException($"--acks takes all or 1, not {v}") } },
                "--ack-durability" => options with { AckDurability = Value() is "written" or "durable" ? args[i] : throw new ArgumentException("--ack-durability takes written or durable") },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Number(1)) },
                "--bootstrap" => options with { Bootstrap = Value() },
                "--partitions" => options with { Partitions = Number(1) },
                "--replication-factor" => options with { ReplicationFactor = (short)Number(1) },
                "--min-insync-replicas" => options with { MinInsyncReplicas = (short)Number(1) },
                "--producers" => options with { Producers = Number(1) },
                "--rate" => options with { Rate = Number(1) },
                "--out" => options with { Out = Value() },
                "--broker" => options with { BrokerPath = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        if (options.FaultCounts is { } counts)
        {
            options = options with { Cycles = counts.Values.Sum() };
        }

        return options.Cluster is null ? options : options with { Timing = FaultTiming.Cluster };
    }

    /// <summary>KIND or KIND:N, comma-separated; counts for every kind or for none.</summary>
    private static ChaosOptions ParseFaults(ChaosOptions options, string list)
    {
        if (list == "none")
        {
            return options with { Faults = [], FaultCounts = null };
        }

        var entries = list.Split(',').Select(entry =>
        {
            var parts = entry.Split(':');
            var kind = FaultKinds.TryParse(parts[0], out var k) ? k : throw new ArgumentException($"unknown fault {parts[0]} ({string.Join(", ", Enum.GetValues<FaultKind>().Select(FaultKinds.Name))})");
            int? count = parts.Length switch
            {
                1 => null,
                2 when int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
                _ => throw new ArgumentException($"--faults takes KIND or KIND:N, not {entry}"),
            };
            return (Kind: kind, Count: count);
        }).ToList();
        if (entries.Any(e => e.Count is null) && entries.Any(e => e.Count is not null))
        {
            throw new ArgumentException("--faults gives a count (KIND:N) for every kind or for none");
        }

        var counts = entries.All(e => e.Count is not null) ? entries.GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.Sum(e => e.Count!.Value)) : null;
        return options with { Faults = entries.Select(e => e.Kind).Distinct().ToArray(), FaultCounts = counts };
    }
}

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
          --faults LIST           kill,pause,disk or none (default kill,pause,disk; none with --bootstrap)
          --acks all|1            all: idempotent acks=all producers (default); 1: acks=1, not idempotent
          --ack-durability written|durable   the broker's --ack-durability (default written)
          --duration SECONDS      stop injecting faults after this long; without faults: how long to run (default 60)
          --bootstrap HOST:PORT   run against your own deployment instead of starting a broker (no faults)
          --partitions N          partitions of the run's topic (default 3)
          --replication-factor N  of the run's topic (default 1)
          --producers N           producers (default 3)
          --rate N                writes per second per producer (default 500)
          --out DIR               report directory (default artifacts/chaos/<time>)
          --broker PATH           fastlog.dll or published fastlog to run (default: the one built with the harness)
        exit code: 0 no violation, 1 violations found, 2 the run could not be done
        """;

    public int Cycles { get; init; } = 100;

    public int Seed { get; init; } = Random.Shared.Next();

    /// <summary>Null: the default for the system (every fault it supports).</summary>
    public IReadOnlyList<FaultKind>? Faults { get; init; }

    public bool AcksAll { get; init; } = true;

    public string AckDurability { get; init; } = "written";

    public TimeSpan? Duration { get; init; }

    public string? Bootstrap { get; init; }

    public int Partitions { get; init; } = 3;

    public short ReplicationFactor { get; init; } = 1;

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
                "--faults" => options with { Faults = ParseFaults(Value()) },
                "--acks" => options with { AcksAll = Value() switch { "all" or "-1" => true, "1" => false, var v => throw new ArgumentException($"--acks takes all or 1, not {v}") } },
                "--ack-durability" => options with { AckDurability = Value() is "written" or "durable" ? args[i] : throw new ArgumentException("--ack-durability takes written or durable") },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Number(1)) },
                "--bootstrap" => options with { Bootstrap = Value() },
                "--partitions" => options with { Partitions = Number(1) },
                "--replication-factor" => options with { ReplicationFactor = (short)Number(1) },
                "--producers" => options with { Producers = Number(1) },
                "--rate" => options with { Rate = Number(1) },
                "--out" => options with { Out = Value() },
                "--broker" => options with { BrokerPath = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return options;
    }

    private static FaultKind[] ParseFaults(string list) => list == "none" ? [] : list.Split(',').Select(f => Enum.TryParse<FaultKind>(f, ignoreCase: true, out var kind) ? kind : throw new ArgumentException($"unknown fault {f} (kill, pause, disk)")).Distinct().ToArray();
}

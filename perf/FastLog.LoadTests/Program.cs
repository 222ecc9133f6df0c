using FastLog.LoadTests;
using FastLog.LoadTests.Bench;
using FastLog.LoadTests.Machine;
using FastLog.LoadTests.Scenarios;
using FastLog.Storage;

// fastlog load tests:
//   run     one scenario against a running broker (see ScenarioOptions for what the options mean)
//   limits  this machine's disk, loopback and fdatasync limits
//   bench   everything scripts/bench.sh reports, against a broker process it starts itself;
//           with --replication, what replication costs instead (a single node against 3-broker clusters)
const string Usage = """
    usage:
      FastLog.LoadTests run [--bootstrap 127.0.0.1:9092] [--topic bench] [--partitions 4] [--replication-factor 1]
                            [--min-insync-replicas N] [--record-size 1024]
                            [--producers 1] [--consumers 1] [--load inject|inflight|ramp] [--rate REC/S] [--ramp-from REC/S]
                            [--in-flight 20000] [--acks 1|-1|all] [--linger-ms 5] [--warmup 2] [--duration 10] [--interval 1]
                            [--max-bytes N] [--catch-up] [--client confluent|wire] [--batch-kib 256] [--name NAME] [--out DIR]
      FastLog.LoadTests limits [--dir PATH] [--quick]
      FastLog.LoadTests bench --broker PATH/fastlog.dll [--out DIR] [--work-dir PATH] [--quick] [--replication]
                              [--partitions 4] [--record-size 1024] [--producers 2]
                              [--latency-producers 1] [--latency-consumers 1] [--catch-up-consumers 1]
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    var options = CommandLine.Parse(args.Skip(1));
    switch (args[0])
    {
        case "run":
            var scenario = ScenarioArguments.Parse(options);
            var result = await new ScenarioRunner(scenario).RunAsync();
            var scenarioReport = ReportFiles.WriteScenario(result, options.TryGetValue("out", out var outDir) ? outDir : Path.Combine("artifacts", "loadtests"));
            Console.WriteLine($"{result.Name}: produce {result.ProduceMBps:F1} MB/s, consume {result.ConsumeMBps:F1} MB/s, ack p99 {result.Ack.P99 / 1000:F2} ms, e2e p99 {result.EndToEnd.P99 / 1000:F2} ms; report {scenarioReport}");
            return result.Errors == 0 ? 0 : 1;
        case "limits":
            bool quick = options.ContainsKey("quick");
            var limits = MachineLimits.Measure(options.TryGetValue("dir", out var dir) ? dir : Path.GetTempPath(), new StorageOptions().MaxFlushBytes, quick ? 256L << 20 : 2L << 30, TimeSpan.FromSeconds(quick ? 1 : 5), Console.Out);
            Console.WriteLine(limits.Description);
            return 0;
        case "bench":
            var bench = BenchOptions.Parse(options);
            if (bench.Replication)
            {
                var replication = await new ReplicationRunner(bench, Console.Out).RunAsync();
                Console.WriteLine($"report: {ReportFiles.WriteReplication(replication, bench.OutputDirectory)}");
                return 0;
            }

            var report = await new BenchRunner(bench, Console.Out).RunAsync();
            Console.WriteLine($"report: {ReportFiles.WriteBench(report, bench.OutputDirectory)}");
            return 0;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (IOException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

using System.CommandLine;
using System.Globalization;
using FastLog.Broker.Configuration;
using FastLog.Host.Checks;
using FastLog.Host.Configuration;

namespace FastLog.Host.Cli;

/// <summary>
/// `fastlog check-host [--config FILE] [--data-dir DIR[,DIR...]] [--shards N] [--probe-seconds S]`:
/// prints the host checks (every log.dirs entry of the config, or the --data-dir list) as a table and exits 1 when any check FAILs (0 with only OKs and WARNs), so a service can run it
/// before the broker.
/// </summary>
internal static class CheckHostCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "the broker's server.properties: check every log.dirs entry (and its shards) there" };
        var dataDir = new Option<string?>("--data-dir") { Description = "the broker's data directories, DIR,DIR,... (default: the config's log.dirs, else ./data)" };
        var shards = new Option<int?>("--shards") { Description = "the shards the broker will run (default: one per core)" };
        var probeSeconds = new Option<double>("--probe-seconds") { Description = "how long the write + fdatasync probe runs (default 2)", DefaultValueFactory = _ => 2 };
        var command = new Command("check-host", "Check whether this machine suits a FastLog broker: io_uring, limits, kernel settings, the data directory's filesystem, and a short disk probe.")
        {
            config,
            dataDir,
            shards,
            probeSeconds,
        };
        command.SetAction(parse =>
        {
            var seconds = parse.GetValue(probeSeconds);
            if (seconds is <= 0 or > 600)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fastlog: --probe-seconds must be in (0, 600], not {seconds}"));
                return 2;
            }

            // The broker's own defaults and config loading, so the check sees the directories the broker will use.
            var broker = new BrokerOptions();
            try
            {
                if (parse.GetValue(config) is { } file)
                {
                    BrokerOptionsLoader.ApplyFile(broker, file);
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IOException)
            {
                Console.Error.WriteLine($"fastlog: {e.Message}");
                return 2;
            }

            var directories = parse.GetValue(dataDir) is { } list ? BrokerOptionsLoader.ParseDirectories(list) : broker.DataDirectories;
            if (directories.Count == 0)
            {
                Console.Error.WriteLine("fastlog: --data-dir needs at least one directory");
                return 2;
            }

            var results = HostCheck.Run(new HostCheck.Settings(directories, parse.GetValue(shards) ?? broker.ShardCount, TimeSpan.FromSeconds(seconds)));
            Console.Write(HostCheck.Render(results));
            return results.Any(r => r.Status == CheckStatus.Fail) ? 1 : 0;
        });
        return command;
    }
}

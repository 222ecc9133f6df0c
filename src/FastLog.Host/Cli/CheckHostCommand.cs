using System.CommandLine;
using System.Globalization;
using FastLog.Host.Checks;

namespace FastLog.Host.Cli;

/// <summary>
/// `fastlog check-host [--data-dir DIR] [--shards N] [--probe-seconds S]`: prints the host checks
/// as a table and exits 1 when any check FAILs (0 with only OKs and WARNs), so a service can run it
/// before the broker.
/// </summary>
internal static class CheckHostCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "the broker's data directory (default ./data)", DefaultValueFactory = _ => "data" };
        var shards = new Option<int>("--shards") { Description = "the shards the broker will run (default: one per core)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var probeSeconds = new Option<double>("--probe-seconds") { Description = "how long the write + fdatasync probe runs (default 2)", DefaultValueFactory = _ => 2 };
        var command = new Command("check-host", "Check whether this machine suits a FastLog broker: io_uring, limits, kernel settings, the data directory's filesystem, and a short disk probe.")
        {
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

            var results = HostCheck.Run(new HostCheck.Settings(parse.GetValue(dataDir)!, parse.GetValue(shards), TimeSpan.FromSeconds(seconds)));
            Console.Write(HostCheck.Render(results));
            return results.Any(r => r.Status == CheckStatus.Fail) ? 1 : 0;
        });
        return command;
    }
}

using System.CommandLine;
using FastLog.Broker.Configuration;

namespace FastLog.Host.Cli;

/// <summary>What every command that talks to a running broker shares: its --bootstrap option and how a failure ends (one "fastlog: ..." line, exit code 1).</summary>
internal static class BrokerCommandAction
{
    public static Option<string> BootstrapOption() => new("--bootstrap")
    {
        Description = "HOST:PORT of the broker",
        DefaultValueFactory = _ => "127.0.0.1:9092",
        Recursive = true,
    };

    /// <summary>Runs <paramref name="work"/> on a connection to the broker; turns failures into exit code 1 and one line on Error.</summary>
    public static void Set(Command command, Option<string> bootstrap, Func<ParseResult, BrokerConnection, TextWriter, CancellationToken, Task> work) =>
        command.SetAction(async (parse, cancel) =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                if (!HostPort.TryParse(parse.GetValue(bootstrap), out var broker))
                {
                    throw new CliException($"--bootstrap expects HOST:PORT, not '{parse.GetValue(bootstrap)}'");
                }

                using var connection = await BrokerConnection.ConnectAsync(broker, cancel);
                await work(parse, connection, output, cancel);
                return 0;
            }
            catch (CliException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"fastlog: {e.Message}");
                return 1;
            }
        });
}

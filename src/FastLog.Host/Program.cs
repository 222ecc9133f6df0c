using System.CommandLine;
using System.Runtime.InteropServices;
using FastLog.Broker.Configuration;
using FastLog.Host.Cli;
using FastLog.Host.Configuration;
using FastLog.Server;
using Microsoft.Extensions.Logging;

// `fastlog serve` runs the broker in the foreground until SIGTERM or Ctrl-C, then stops cleanly.
var serveOptions = new ServeCommandOptions();
var serve = serveOptions.CreateCommand("serve", "Run the FastLog broker in the foreground.");
serve.SetAction(async (parse, cancel) =>
{
    BrokerOptions options;
    IReadOnlyList<string> unknownKeys;
    try
    {
        options = serveOptions.Bind(parse, out unknownKeys);
    }
    catch (Exception e) when (e is FormatException or ArgumentException or IOException)
    {
        await Console.Error.WriteLineAsync($"fastlog: {e.Message}").ConfigureAwait(false);
        return 2;
    }

    using var loggers = LoggerFactory.Create(builder =>
    {
        if (parse.GetValue(serveOptions.LogFormat) == "json")
        {
            // The platform's JSON console formatter: one object per line (Timestamp, LogLevel, Category, Message, State).
            builder.AddJsonConsole(console =>
            {
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        builder.SetMinimumLevel(LogLevel.Information);
        // DotNext's Raft logs every failed connection to a down peer as a warning with a stack trace;
        // FastLog logs the quorum's own changes (controller, fencing, leaders) in one line each.
        builder.AddFilter("DotNext", LogLevel.Error);
    });
    var logger = loggers.CreateLogger("FastLog");
    foreach (var key in unknownKeys)
    {
        logger.LogWarning("Config key '{Key}' is not used by FastLog and was ignored", key);
    }

    var stop = new TaskCompletionSource();
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stop.TrySetResult();
    });
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
    {
        context.Cancel = true;
        stop.TrySetResult();
    });

    BrokerServer server;
    try
    {
        server = await BrokerServer.StartAsync(options, loggers).ConfigureAwait(false);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
    {
        // Port taken (Kafka, metrics or gossip), data directory locked, unwritable or unreadable, a
        // setting the broker refuses: say so in one line, no stack trace.
        logger.LogCritical("Cannot start: {Reason}", e.Message);
        return 1;
    }

    await using var _ = server;
    await stop.Task.WaitAsync(cancel).ConfigureAwait(false);
    logger.LogInformation("Stopping...");
    return 0;
});

var root = new RootCommand("FastLog: a Kafka-compatible streaming log broker.");
root.Subcommands.Add(serve);
root.Subcommands.Add(TopicCommands.Create());
root.Subcommands.Add(ClusterCommands.Create());
root.Subcommands.Add(CheckHostCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

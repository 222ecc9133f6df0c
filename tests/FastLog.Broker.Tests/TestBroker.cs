using FastLog.Broker.Configuration;
using FastLog.Client;
using FastLog.Server;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Tests;

/// <summary>
/// A real broker in this process on 127.0.0.1 with an ephemeral port and a fresh data directory,
/// deleted on dispose. <see cref="RestartAsync"/> stops it cleanly and starts it again on the same
/// data directory (and a new port).
/// </summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly Action<BrokerOptions>? _configure;
    private readonly ILoggerFactory _loggers;
    private BrokerServer? _server;

    private TestBroker(string dataDirectory, Action<BrokerOptions>? configure, ILoggerFactory? loggers)
    {
        DataDirectory = dataDirectory;
        _configure = configure;
        _loggers = loggers ?? Loggers;
    }

    public string DataDirectory { get; }

    public string BootstrapServers => $"127.0.0.1:{Server.ListenEndPoint.Port}";

    public BrokerServer Server => _server ?? throw new InvalidOperationException("The broker is stopped.");

    /// <summary>A bare wire client on this broker, for requests no real client would send (and bytes that are no request).</summary>
    public Task<KafkaClientConnection> ConnectRawAsync() => KafkaClientConnection.ConnectAsync(Server.ListenEndPoint, RawClientOptions);

    /// <summary>Starts a broker; <paramref name="loggers"/> (default: warnings to the console) for tests of what it logs.</summary>
    public static async Task<TestBroker> StartAsync(Action<BrokerOptions>? configure = null, ILoggerFactory? loggers = null)
    {
        var broker = new TestBroker(Path.Combine(Path.GetTempPath(), $"fastlog-test-{Guid.NewGuid():N}"), configure, loggers);
        await broker.StartServerAsync();
        return broker;
    }

    public BrokerOptions CreateOptions()
    {
        var options = new BrokerOptions
        {
            Listen = new HostPort("127.0.0.1", 0),
            DataDirectory = DataDirectory,
            ShardCount = 2,
            // Many brokers share the test machine's cores; pinning is tested in FastLog.Core.Tests.
            PinShards = false,
            MetricsListen = null,
        };
        _configure?.Invoke(options);
        return options;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartServerAsync();
    }

    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    private async Task StartServerAsync() => _server = await BrokerServer.StartAsync(CreateOptions(), _loggers);

    private static readonly KafkaClientOptions RawClientOptions = new() { ClientId = "raw-test" };

    /// <summary>Warnings and errors go to the test output's console; the rest is dropped.</summary>
    private static readonly ILoggerFactory Loggers = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never created.
        }
    }
}

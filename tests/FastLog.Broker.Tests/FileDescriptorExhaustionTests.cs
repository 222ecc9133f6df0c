using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using FastLog.Testing;

namespace FastLog.Broker.Tests;

/// <summary>
/// The real broker under a low file-descriptor limit (issue 16, probe 1): more connections than the
/// limit can hold are closed at accept, the broker keeps serving, and a configuration the limit
/// cannot hold is refused at start with one line.
/// </summary>
public sealed class FileDescriptorExhaustionTests : IDisposable
{
    private const int DescriptorLimit = 600;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fastlog-fd-{Guid.NewGuid():N}");
    private readonly string _logPath = Path.Combine(Path.GetTempPath(), $"fastlog-fd-{Guid.NewGuid():N}.log");

    [Fact]
    public async Task MoreConnectionsThanTheLimitHolds_AreClosedAtAccept_AndTheBrokerKeepsServing()
    {
        using var broker = await BrokerProcess.StartAsync(Options("--shards", "2"));
        var endPoint = new IPEndPoint(IPAddress.Loopback, broker.Port);

        // The repro: rounds of 700 idle connections held 6 s, then closed all at once. The
        // old broker's abort was timing-dependent (seen in 3 of 3 probes from a separate client
        // process, not in every run of this test); the refusal line asserted below is what shows
        // the descriptor reserve at work in every run.
        for (var round = 0; round < 3; round++)
        {
            var sockets = new List<Socket>();
            try
            {
                for (var i = 0; i < 700; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    sockets.Add(socket);
                    await socket.ConnectAsync(endPoint);
                }

                await Task.Delay(TimeSpan.FromSeconds(6));
            }
            finally
            {
                sockets.ForEach(s => s.Dispose());
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, MessageTimeoutMs = 30_000 }).Build())
        {
            var delivered = await producer.ProduceAsync("after-the-storm", new Message<Null, string> { Value = "still here" });
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }

        using (var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "fd",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build())
        {
            consumer.Subscribe("after-the-storm");
            var record = consumer.Consume(TimeSpan.FromSeconds(30));
            Assert.Equal("still here", record?.Message.Value);
            consumer.Close();
        }

        Assert.Equal(0, await broker.TerminateAsync()); // a clean stop, not 134 (SIGABRT) or 139 (SIGSEGV)
        var log = await File.ReadAllTextAsync(_logPath);
        Assert.Contains("fastlog.fd.reserve", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Out of memory", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxConnectionsTheLimitCannotHold_IsRefusedAtStart_WithOneLineNamingTheSettings()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => BrokerProcess.StartAsync(Options("--max-connections", "1000")));
        Assert.Contains("cannot hold", failure.Message, StringComparison.Ordinal);
        Assert.Contains("lower max.connections", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"file descriptor limit {DescriptorLimit}", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }

        File.Delete(_logPath);
    }

    private BrokerProcessOptions Options(params string[] arguments) => new()
    {
        DataDirectory = _dataDirectory,
        FileDescriptorLimit = DescriptorLimit,
        LogPath = _logPath,
        Arguments = arguments,
    };
}

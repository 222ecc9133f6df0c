using System.Buffers.Binary;
using System.Net;
using FastLog.Protocol;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Tests;

/// <summary>
/// Kafka's connection limits (max.connections, max.connections.per.ip and its overrides), its idle
/// timeout (connections.max.idle.ms), the slow-request timeout (fastlog.request.read.timeout.ms),
/// and what is logged about bad clients: rate-limited, with their client.id escaped.
/// </summary>
public sealed class ConnectionLimitTests
{
    private static readonly IPAddress OtherLoopback = IPAddress.Parse("127.0.0.2");

    [Fact]
    public void Settings_HaveKafkasNamesAndDefaults()
    {
        var options = new Configuration.BrokerOptions();
        Assert.Equal((int.MaxValue, int.MaxValue, 600_000L), (options.MaxConnections, options.MaxConnectionsPerIp, options.ConnectionsMaxIdleMs));
        Assert.True(Host.Configuration.BrokerOptionsLoader.Apply(options, "max.connections", "100"));
        Assert.True(Host.Configuration.BrokerOptionsLoader.Apply(options, "max.connections.per.ip", "10"));
        Assert.True(Host.Configuration.BrokerOptionsLoader.Apply(options, "max.connections.per.ip.overrides", "10.0.0.1:50, gateway.example:0,::1:7"));
        Assert.True(Host.Configuration.BrokerOptionsLoader.Apply(options, "connections.max.idle.ms", "1000"));
        Assert.True(Host.Configuration.BrokerOptionsLoader.Apply(options, "fastlog.request.read.timeout.ms", "2000"));
        Assert.True(Host.Configuration.BrokerOptionsLoader.Apply(options, "fastlog.fd.reserve", "256"));
        Assert.Equal((100, 10, 1000L, 2000, 256), (options.MaxConnections, options.MaxConnectionsPerIp, options.ConnectionsMaxIdleMs, options.RequestReadTimeoutMs, options.FileDescriptorReserve));
        Assert.Equal(new Dictionary<string, int> { ["10.0.0.1"] = 50, ["gateway.example"] = 0, ["::1"] = 7 }, options.MaxConnectionsPerIpOverrides);
        options.Validate();
        options.MaxConnections = 0;
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public async Task MaxConnections_ClosesTheConnectionOverTheLimit_AndAdmitsAgainOnceOneCloses()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxConnections = 3);
        var held = new List<RawSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await RawSocket.ConnectAsync(broker.Server.ListenEndPoint));
                Assert.True(await held[^1].IsServedAsync());
            }

            using (var fourth = await RawSocket.ConnectAsync(broker.Server.ListenEndPoint))
            {
                Assert.False(await fourth.IsServedAsync());
            }

            held[0].Dispose();
            held.RemoveAt(0);
            Assert.True(await EventuallyServedAsync(broker.Server.ListenEndPoint, from: null));
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task MaxConnectionsPerIp_CountsEachAddress_AndOverridesRaiseItForOne()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.MaxConnectionsPerIp = 2;
            o.MaxConnectionsPerIpOverrides["127.0.0.2"] = 4;
        });
        var endPoint = broker.Server.ListenEndPoint;
        var held = new List<RawSocket>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                held.Add(await RawSocket.ConnectAsync(endPoint));
                Assert.True(await held[^1].IsServedAsync());
            }

            using (var third = await RawSocket.ConnectAsync(endPoint))
            {
                Assert.False(await third.IsServedAsync());
            }

            // Another address has its own count, and its override.
            for (var i = 0; i < 4; i++)
            {
                held.Add(await RawSocket.ConnectAsync(endPoint, OtherLoopback));
                Assert.True(await held[^1].IsServedAsync());
            }

            using var fifth = await RawSocket.ConnectAsync(endPoint, OtherLoopback);
            Assert.False(await fifth.IsServedAsync());
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterConnectionsMaxIdleMs_ButOneInUseIsNot()
    {
        await using var broker = await TestBroker.StartAsync(o => o.ConnectionsMaxIdleMs = 2000);
        using var idle = await RawSocket.ConnectAsync(broker.Server.ListenEndPoint);
        using var busy = await RawSocket.ConnectAsync(broker.Server.ListenEndPoint);
        Assert.True(await idle.IsServedAsync());
        var closed = idle.ClosedByBrokerAsync();

        // A request every 100 ms: never idle for 2 s.
        while (!closed.IsCompleted)
        {
            Assert.True(await busy.IsServedAsync());
            await Task.Delay(100);
        }

        Assert.True(await closed);
        Assert.True(await busy.IsServedAsync());
    }

    [Fact]
    public async Task RequestThatTrickles_IsClosedAfterTheReadTimeout_AndTheBrokerKeepsServing()
    {
        var logs = new CapturedLogs();
        using var loggers = logs.CreateFactory();
        await using var broker = await TestBroker.StartAsync(o => o.RequestReadTimeoutMs = 500, loggers);
        using var slow = await RawSocket.ConnectAsync(broker.Server.ListenEndPoint);
        var size = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(size, 100);
        await slow.SendAsync(size);
        await slow.SendAsync(new byte[10]);

        Assert.True(await slow.ClosedByBrokerAsync());
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("fastlog.request.read.timeout.ms", StringComparison.Ordinal));
        using var next = await RawSocket.ConnectAsync(broker.Server.ListenEndPoint);
        Assert.True(await next.IsServedAsync());
    }

    [Fact]
    public async Task MalformedRequestWarnings_AreRateLimited_AndTheClientIdIsEscaped()
    {
        var logs = new CapturedLogs();
        using var loggers = logs.CreateFactory();
        await using var broker = await TestBroker.StartAsync(loggers: loggers);
        const string hostileClientId = "evil\n12:00:00.000 crit: forged line\u001b[31m";
        for (var i = 0; i < 40; i++)
        {
            // An API key no broker serves: the connection is closed and the warning quotes the client id.
            using var client = await RawSocket.ConnectAsync(broker.Server.ListenEndPoint);
            using var writer = new KafkaWriter();
            var frame = writer.BeginFrame();
            new RequestHeader { ApiKey = (ApiKey)1000, ApiVersion = 0, CorrelationId = i, ClientId = hostileClientId }.Write(writer, headerVersion: 1);
            writer.EndFrame(frame);
            await client.SendAsync(writer.WrittenMemory);
            Assert.True(await client.ClosedByBrokerAsync());
        }

        var warnings = logs.Lines.Where(l => l.Level == LogLevel.Warning && l.Message.Contains("closing:", StringComparison.Ordinal)).ToList();
        // One line per shard per 10 s at most (the test broker has 2 shards), not one per bad request.
        Assert.InRange(warnings.Count, 1, 2);
        Assert.All(warnings, w => Assert.DoesNotContain(w.Message, char.IsControl));
        Assert.Contains(warnings, w => w.Message.Contains(@"evil\x0A12:00:00.000 crit: forged line\x1B[31m", StringComparison.Ordinal));
    }

    /// <summary>The broker notices a close asynchronously: a new connection is admitted once it has (bounded retries).</summary>
    private static async Task<bool> EventuallyServedAsync(IPEndPoint broker, IPAddress? from)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var socket = await RawSocket.ConnectAsync(broker, from);
            if (await socket.IsServedAsync())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using FastLog.Broker.Replication;
using FastLog.Client;
using FastLog.Core;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>
/// The follower fetcher's connection on a shard's io_uring against a scripted peer (the test
/// thread): answers small and large, and the bad peers that must cost a reconnect, never a hang or
/// unbounded memory.
/// </summary>
public sealed class ShardClientConnectionTests : IDisposable
{
    private const short FetchVersion = 12;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly KafkaClientOptions Options = new()
    {
        ClientId = "replica-test",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ResponseTimeout = TimeSpan.FromMilliseconds(500),
        MaxResponseBytes = 1 << 20,
    };

    private readonly ShardGroup _shards = new(new ShardGroupOptions { ShardCount = 1, PinThreads = false });
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stopping = new();

    public ShardClientConnectionTests()
    {
        _shards.Start();
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
    }

    [Fact]
    public async Task Fetches_AreAnswered_InTheReceiveBuffer_OrInAPooledArrayWhenLarger()
    {
        var peer = ServeAsync(async socket =>
        {
            await AnswerAsync(socket, 100);
            await AnswerAsync(socket, 200_000); // beyond the 64 KiB receive buffer

            static async Task AnswerAsync(Socket socket, int size)
            {
                var request = RequestFrame.Decode(await ReadFrameAsync(socket));
                Assert.Equal(("replica-test", ApiKey.Fetch, FetchVersion), (request.Header.ClientId, request.Header.ApiKey, request.Header.ApiVersion));
                await socket.SendAsync(Response(request.Header, RecordsOf(size)));
            }
        });

        var sizes = await OnShardAsync(async connection =>
        {
            var small = await connection.SendAsync<FetchResponse>(new FetchRequest(), FetchVersion);
            var smallRecords = RecordsIn(small);
            var large = await connection.SendAsync<FetchResponse>(new FetchRequest(), FetchVersion);
            return (smallRecords, RecordsIn(large));
        });

        await peer;
        Assert.Equal((100, 200_000), sizes);
    }

    [Fact]
    public async Task AResponseAboveTheCap_IsRefusedFromItsSizePrefix()
    {
        var peer = ServeAsync(async socket =>
        {
            await ReadFrameAsync(socket);
            var prefix = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(prefix, int.MaxValue);
            await socket.SendAsync(prefix);
        });

        var error = await Assert.ThrowsAsync<ResponseSizeException>(() => OnShardAsync(c => c.SendAsync<FetchResponse>(new FetchRequest(), FetchVersion)));
        Assert.Equal(int.MaxValue, error.Size);
        await peer;
    }

    [Fact]
    public async Task APeerThatNeverAnswers_TimesOut()
    {
        var peer = ServeAsync(async socket =>
        {
            await ReadFrameAsync(socket);
            await Task.Delay(Options.ResponseTimeout * 4); // alive to the kernel, silent to the client: a paused leader
        });

        await Assert.ThrowsAsync<TimeoutException>(() => OnShardAsync(c => c.SendAsync<FetchResponse>(new FetchRequest(), FetchVersion)));
        await peer;
    }

    [Fact]
    public async Task APeerThatSendsMoreThanTheResponse_IsOutOfStep()
    {
        var peer = ServeAsync(async socket =>
        {
            var request = RequestFrame.Decode(await ReadFrameAsync(socket));
            await socket.SendAsync(Response(request.Header, RecordsOf(10)).Concat(new byte[] { 0, 0, 0, 9 }).ToArray());
        });

        var error = await Assert.ThrowsAsync<IOException>(() => OnShardAsync(c => c.SendAsync<FetchResponse>(new FetchRequest(), FetchVersion)));
        Assert.Contains("out of step", error.Message, StringComparison.Ordinal);
        await peer;
    }

    [Fact]
    public async Task Stopping_EndsAPendingFetchAtOnce()
    {
        var peer = ServeAsync(async socket =>
        {
            await ReadFrameAsync(socket);
            _stopping.CancelAfter(100);
            Assert.Equal(0, await socket.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(Timeout)); // the client shut its side down
        });

        var started = Environment.TickCount64;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => OnShardAsync(c => c.SendAsync<FetchResponse>(new FetchRequest(), FetchVersion), responseTimeout: Timeout));
        Assert.InRange(Environment.TickCount64 - started, 0, 5_000);
        await peer;
    }

    [Fact]
    public async Task AClosedPort_IsRefused()
    {
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _listener.Dispose();

        var error = await Assert.ThrowsAsync<IoRingException>(() => _shards.RunAsync(0, async () =>
        {
            using var connection = new ShardClientConnection(Options, _stopping.Token);
            await connection.ConnectAsync([IPAddress.Loopback], port);
            return true;
        }).WaitAsync(Timeout));
        Assert.Equal(Errno.ECONNREFUSED, error.Errno);
    }

    public void Dispose()
    {
        _shards.Dispose();
        _listener.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Connects a new connection on the shard and runs <paramref name="use"/> with it there.</summary>
    private Task<T> OnShardAsync<T>(Func<ShardClientConnection, ValueTask<T>> use, TimeSpan? responseTimeout = null) => _shards.RunAsync(0, async () =>
    {
        using var connection = new ShardClientConnection(Options with { ResponseTimeout = responseTimeout ?? Options.ResponseTimeout }, _stopping.Token);
        await connection.ConnectAsync([IPAddress.Loopback], ((IPEndPoint)_listener.LocalEndPoint!).Port);
        return await use(connection);
    }).WaitAsync(Timeout);

    /// <summary>Accepts the connection and plays the peer on the test thread.</summary>
    private Task ServeAsync(Func<Socket, Task> script) => Task.Run(async () =>
    {
        using var socket = await _listener.AcceptAsync().WaitAsync(Timeout);
        await script(socket);
    });

    private static async Task<ReadOnlyMemory<byte>> ReadFrameAsync(Socket socket)
    {
        var prefix = new byte[4];
        await ReceiveExactlyAsync(socket, prefix);
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        await ReceiveExactlyAsync(socket, frame);
        return frame;
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> into)
    {
        for (var at = 0; at < into.Length;)
        {
            var n = await socket.ReceiveAsync(into[at..]).AsTask().WaitAsync(Timeout);
            Assert.NotEqual(0, n);
            at += n;
        }
    }

    private static FetchResponse RecordsOf(int size) => new()
    {
        Responses = [new TopicData<FetchResponse.PartitionData> { Name = "t", Partitions = [new FetchResponse.PartitionData { Records = new MemoryRecords(new byte[size]) }] }],
    };

    private static int RecordsIn(FetchResponse response) => response.Responses[0].Partitions[0].Records!.Length;

    private static byte[] Response(RequestHeader request, FetchResponse response)
    {
        using var writer = new KafkaWriter();
        ResponseFrame.Write(writer, request, response);
        return writer.WrittenSpan.ToArray();
    }
}

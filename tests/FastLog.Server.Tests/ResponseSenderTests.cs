using System.Net;
using System.Net.Sockets;
using FastLog.Core;
using FastLog.Server.Metrics;
using FastLog.Server.Network;

namespace FastLog.Server.Tests;

/// <summary>A file region reaches the socket byte for byte, spliced through a pooled pipe or, when no pipe is free, copied.</summary>
public sealed class ResponseSenderTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fastlog-sender-{Guid.NewGuid():N}.log");

    [Theory]
    [InlineData(1)] // a pipe is free: zero-copy
    [InlineData(0)] // none is: the copy path
    public async Task SendFile_DeliversTheRegion_ByPipeOrByCopy(int pipes)
    {
        var content = new byte[3 * 1024 * 1024];
        new Random(pipes).NextBytes(content);
        await File.WriteAllBytesAsync(_path, content);
        const int position = 1000;
        var length = content.Length - 5000;

        using var shards = new ShardGroup(new ShardGroupOptions { ShardCount = 1, PinThreads = false, PreallocatedBuffers = 0 });
        shards.Start();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = listener.Accept();
        using var admission = new ConnectionAdmission(int.MaxValue, int.MaxValue, new Dictionary<IPAddress, int>(), long.MaxValue, reserve: 16, shards: 1);
        using var file = File.OpenHandle(_path);

        var received = ReceiveAsync(client, length);
        await shards.RunAsync(0, async () =>
        {
            using var pool = new ShardPipePool(admission, pipes);
            await new ResponseSender(server.SafeHandle, new ShardMetrics(), pool).SendFileAsync(file, position, length);
        });

        var bytes = await received.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(content[position..(position + length)], bytes);
    }

    public void Dispose() => File.Delete(_path);

    private static async Task<byte[]> ReceiveAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        for (var filled = 0; filled < length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
            filled += n > 0 ? n : throw new IOException($"closed after {filled} bytes");
        }

        return buffer;
    }
}

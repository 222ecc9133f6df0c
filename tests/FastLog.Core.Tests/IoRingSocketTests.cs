using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastLog.Core.Tests;

public sealed class IoRingSocketTests
{
    [Fact]
    public async Task AcceptRecvSendPoll_OverLoopback()
    {
        using var group = TestShards.Start();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();

        var served = group.Run(0, async () =>
        {
            var io = Shard.Current!.Io;
            int fd = await io.AcceptAsync(listener.SafeHandle);
            using var connection = new SafeSocketHandle(fd, ownsHandle: true);
            var ready = (PollEvents)await io.PollAsync(connection, PollEvents.In);
            var buffer = new byte[64];
            int n = await io.RecvAsync(connection, buffer);
            string request = Encoding.ASCII.GetString(buffer, 0, n);
            int sent = await io.SendAsync(connection, Encoding.ASCII.GetBytes("pong:" + request));
            return (ready, request, sent);
        });

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        await client.SendAsync(Encoding.ASCII.GetBytes("ping"));
        var reply = new byte[64];
        int received = 0;
        while (received < "pong:ping".Length)
        {
            int n = await client.ReceiveAsync(reply.AsMemory(received)).AsTask().WaitAsync(TestShards.Timeout);
            Assert.NotEqual(0, n);
            received += n;
        }

        var (ready, request, sent) = await served;
        Assert.True(ready.HasFlag(PollEvents.In));
        Assert.Equal("ping", request);
        Assert.Equal(9, sent);
        Assert.Equal("pong:ping", Encoding.ASCII.GetString(reply, 0, received));
    }
}

using System.Net.Sockets;
using System.Text;

namespace FastLog.Core.Tests;

public sealed class IoRingSocketTests
{
    [Fact]
    public async Task AcceptRecvSendPoll_OverLoopback()
    {
        using var group = TestShards.Start();
        using var listener = TestSockets.Listen();

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

        using var client = await TestSockets.ConnectAsync(listener);
        await client.SendAsync(Encoding.ASCII.GetBytes("ping"));
        var reply = await TestSockets.ReceiveExactlyAsync(client, "pong:ping".Length);

        var (ready, request, sent) = await served;
        Assert.True(ready.HasFlag(PollEvents.In));
        Assert.Equal("ping", request);
        Assert.Equal(9, sent);
        Assert.Equal("pong:ping", Encoding.ASCII.GetString(reply));
    }
}

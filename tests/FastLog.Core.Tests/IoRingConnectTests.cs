using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastLog.Core.Tests;

public sealed class IoRingConnectTests
{
    [Fact]
    public async Task Connect_ToAListener_ThenSendAndRecv()
    {
        using var group = TestShards.Start();
        using var listener = TestSockets.Listen();
        using var socket = NewTcpSocket();
        var accepting = listener.AcceptAsync();

        var reply = group.Run(0, async () =>
        {
            var io = Shard.Current!.Io;
            int connected = await io.ConnectAsync(socket.SafeHandle, listener.LocalEndPoint!.Serialize(), TimeSpan.FromSeconds(5));
            await io.SendAsync(socket.SafeHandle, Encoding.ASCII.GetBytes("ping"), TimeSpan.FromSeconds(5));
            var buffer = new byte[16];
            int n = await io.RecvAsync(socket.SafeHandle, buffer, TimeSpan.FromSeconds(5));
            return (connected, Encoding.ASCII.GetString(buffer, 0, n));
        });

        using var server = await accepting.WaitAsync(TestShards.Timeout);
        Assert.Equal("ping", Encoding.ASCII.GetString(await TestSockets.ReceiveExactlyAsync(server, 4)));
        await server.SendAsync(Encoding.ASCII.GetBytes("pong"));
        Assert.Equal((0, "pong"), await reply);
    }

    [Fact]
    public async Task Connect_ToAClosedPort_IsRefused()
    {
        using var group = TestShards.Start();
        EndPoint closed;
        using (var listener = TestSockets.Listen())
        {
            closed = listener.LocalEndPoint!; // free again once the listener is closed
        }

        using var socket = NewTcpSocket();
        var error = await Assert.ThrowsAsync<IoRingException>(() =>
            group.Run(0, () => Shard.Current!.Io.ConnectAsync(socket.SafeHandle, closed.Serialize(), TimeSpan.FromSeconds(5))));

        Assert.Equal(Errno.ECONNREFUSED, error.Errno);
        Assert.Equal("connect", error.Operation);
    }

    [Fact]
    public async Task Connect_ThatGetsNoAnswer_TimesOut_OrEndsAtShutdown()
    {
        using var group = TestShards.Start();
        // A listener whose accept queue is full (backlog 0 holds one connection, never accepted):
        // Linux drops further SYNs (a ListenOverflow), so the next connect waits unanswered, a cheap
        // stand-in for a blackholed address.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        using var queued = await TestSockets.ConnectAsync(listener);
        var address = listener.LocalEndPoint!.Serialize();

        using var timingOut = NewTcpSocket();
        var started = Environment.TickCount64;
        var timedOut = await Assert.ThrowsAsync<IoRingException>(() =>
            group.Run(0, () => Shard.Current!.Io.ConnectAsync(timingOut.SafeHandle, address, TimeSpan.FromMilliseconds(300))));
        Assert.Equal(Errno.ETIMEDOUT, timedOut.Errno);
        Assert.InRange(Environment.TickCount64 - started, 250, 10_000);

        // How a client on a shard gives up a connect without waiting for its timeout: shutdown(2).
        using var shutDown = NewTcpSocket();
        started = Environment.TickCount64;
        var connecting = group.Run(0, () => Shard.Current!.Io.ConnectAsync(shutDown.SafeHandle, address, TimeSpan.FromSeconds(20)));
        await Task.Delay(200);
        await group.Run(0, () =>
        {
            shutDown.Shutdown(SocketShutdown.Both);
            return ValueTask.CompletedTask;
        });
        var reset = await Assert.ThrowsAsync<IoRingException>(() => connecting);
        Assert.Equal(Errno.ECONNRESET, reset.Errno); // tcp_disconnect of a socket in SYN_SENT
        Assert.InRange(Environment.TickCount64 - started, 0, 5_000);
    }

    [Fact]
    public async Task Recv_FromAPeerThatNeverAnswers_TimesOut_AndTheRingGoesOn()
    {
        using var group = TestShards.Start();
        using var listener = TestSockets.Listen();
        using var client = await TestSockets.ConnectAsync(listener);
        using var silent = await listener.AcceptAsync();

        var error = await Assert.ThrowsAsync<IoRingException>(() =>
            group.Run(0, () => Shard.Current!.Io.RecvAsync(client.SafeHandle, new byte[16], TimeSpan.FromMilliseconds(200))));
        Assert.Equal(Errno.ETIMEDOUT, error.Errno);
        Assert.Equal("recv", error.Operation);

        // The connection is still usable, and a recv that is answered in time is not cut short.
        var received = group.Run(0, () => Shard.Current!.Io.RecvAsync(client.SafeHandle, new byte[16], TimeSpan.FromSeconds(10)));
        await silent.SendAsync(Encoding.ASCII.GetBytes("late"));
        Assert.Equal(4, await received);
    }

    private static Socket NewTcpSocket() => new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
}

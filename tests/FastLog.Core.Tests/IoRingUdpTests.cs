using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastLog.Core.Tests;

public sealed class IoRingUdpTests
{
    [Fact]
    public async Task SendToAndRecv_OnUnconnectedUdpSockets()
    {
        using var group = TestShards.Start();
        using var shardSocket = BindUdp();
        using var peer = BindUdp();
        // SocketAddress.Buffer is the native sockaddr the kernel reads through addr2.
        var peerAddress = peer.LocalEndPoint!.Serialize();

        int sent = await group.Run(0, () => Shard.Current!.Io.SendToAsync(shardSocket.SafeHandle, Encoding.ASCII.GetBytes("ping"), peerAddress));

        var received = new byte[64];
        var from = new IPEndPoint(IPAddress.Any, 0);
        var result = await peer.ReceiveFromAsync(received, from).WaitAsync(TestShards.Timeout);
        Assert.Equal(4, sent);
        Assert.Equal("ping", Encoding.ASCII.GetString(received, 0, result.ReceivedBytes));
        Assert.Equal(shardSocket.LocalEndPoint, result.RemoteEndPoint);

        // Each recv on a datagram socket returns exactly one datagram.
        var reply = group.Run(0, async () =>
        {
            var buffer = new byte[64];
            int first = await Shard.Current!.Io.RecvAsync(shardSocket.SafeHandle, buffer);
            int second = await Shard.Current!.Io.RecvAsync(shardSocket.SafeHandle, buffer.AsMemory(first));
            return Encoding.ASCII.GetString(buffer, 0, first) + "|" + Encoding.ASCII.GetString(buffer, first, second);
        });
        await peer.SendToAsync(Encoding.ASCII.GetBytes("pong"), shardSocket.LocalEndPoint!);
        await peer.SendToAsync(Encoding.ASCII.GetBytes("again"), shardSocket.LocalEndPoint!);
        Assert.Equal("pong|again", await reply);
    }

    [Fact]
    public async Task SendTo_WithAForeignFamilyAddress_FailsWithErrno()
    {
        using var group = TestShards.Start();
        using var shardSocket = BindUdp();
        var v6Address = new IPEndPoint(IPAddress.IPv6Loopback, 9).Serialize();

        var error = await Assert.ThrowsAsync<IoRingException>(() =>
            group.Run(0, () => Shard.Current!.Io.SendToAsync(shardSocket.SafeHandle, new byte[1], v6Address)));

        Assert.Equal("sendto", error.Operation);
    }

    private static Socket BindUdp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}

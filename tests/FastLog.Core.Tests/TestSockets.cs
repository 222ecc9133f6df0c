using System.Net;
using System.Net.Sockets;

namespace FastLog.Core.Tests;

/// <summary>Loopback TCP plumbing for the io_uring socket tests; the test thread plays the client.</summary>
internal static class TestSockets
{
    /// <summary>A listening socket on 127.0.0.1 with a kernel-chosen port.</summary>
    public static Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return listener;
    }

    public static async Task<Socket> ConnectAsync(Socket listener)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        return client;
    }

    /// <summary>Receives exactly <paramref name="count"/> bytes; fails if the peer closes first.</summary>
    public static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count)
    {
        var received = new byte[count];
        for (int at = 0; at < count;)
        {
            int n = await socket.ReceiveAsync(received.AsMemory(at)).AsTask().WaitAsync(TestShards.Timeout);
            Assert.NotEqual(0, n);
            at += n;
        }

        return received;
    }
}

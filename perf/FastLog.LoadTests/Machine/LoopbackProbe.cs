using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FastLog.LoadTests.Machine;

/// <summary>
/// Loopback TCP copy throughput: one connected socket pair on 127.0.0.1, a sender thread writing
/// 1 MiB buffers as fast as the kernel takes them and the calling thread receiving — the most one
/// TCP stream can carry between two processes here, the ceiling for produce and fetch traffic.
/// </summary>
internal static class LoopbackProbe
{
    private const int Chunk = 1 << 20;

    /// <returns>MB/s (10^6 bytes) received.</returns>
    public static double Measure(TimeSpan duration)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sender.Connect(listener.LocalEndPoint!);
        using var receiver = listener.Accept();

        bool stop = false;
        var sending = new Thread(() =>
        {
            var data = new byte[Chunk];
            try
            {
                while (!Volatile.Read(ref stop))
                {
                    sender.Send(data);
                }
            }
            catch (SocketException)
            {
                // The receiver closed first.
            }
        });
        sending.Start();

        var buffer = new byte[Chunk];
        long received = 0;
        long started = Stopwatch.GetTimestamp();
        long until = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            received += receiver.Receive(buffer);
        }

        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Volatile.Write(ref stop, true);
        receiver.Shutdown(SocketShutdown.Both);
        receiver.Close();
        sending.Join();
        return received / seconds / 1e6;
    }
}

using System.Net.Sockets;
using Confluent.Kafka;

namespace FastLog.Broker.Tests;

/// <summary>Polling a cluster of real brokers until it shows what a test waits for.</summary>
internal static class Eventually
{
    /// <summary>
    /// Runs <paramref name="probe"/> every 100 ms until it returns something, and returns that; fails
    /// after <paramref name="patience"/>. A client error (a broker still starting or just killed,
    /// metadata not there yet) counts as "not yet".
    /// </summary>
    public static async Task<T> ProbeAsync<T>(Func<Task<T?>> probe, string what, TimeSpan patience)
        where T : class
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                if (await probe() is { } found)
                {
                    return found;
                }
            }
            catch (Exception e) when (e is KafkaException or IOException or TimeoutException or SocketException)
            {
                // Ask again.
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} not seen within {patience}");
            await Task.Delay(100);
        }
    }
}

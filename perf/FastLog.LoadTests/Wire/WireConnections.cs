using System.Globalization;
using System.Net;
using FastLog.Client;

namespace FastLog.LoadTests.Wire;

/// <summary>The wire workers' connections: FastLog's client, blocking, with the load generator's limits.</summary>
internal static class WireConnections
{
    /// <summary>
    /// Connects to the first broker of a bootstrap list (FastLog serves every partition from the
    /// node it lives on). Writes time out after 30 s; reads too when <paramref name="readTimesOut"/>
    /// (a consumer always has a fetch outstanding; a producer's reader may wait for as long as
    /// nothing is in flight). A broker that stalls without closing the connection thus fails the
    /// worker (counted as an error) instead of hanging the tool; 30 s is longer than any fetch long-poll.
    /// </summary>
    public static KafkaClientConnection Connect(string bootstrapServers, bool readTimesOut)
    {
        var first = bootstrapServers.Split(',')[0].Trim();
        int colon = first.LastIndexOf(':');
        var broker = new DnsEndPoint(first[..colon], int.Parse(first[(colon + 1)..], CultureInfo.InvariantCulture));
        return KafkaClientConnection.Connect(broker, new KafkaClientOptions
        {
            ClientId = "fastlog-loadtests-wire",
            ResponseTimeout = readTimesOut ? TimeSpan.FromSeconds(30) : Timeout.InfiniteTimeSpan,
            WriteTimeout = TimeSpan.FromSeconds(30),
            // Catch-up fetches return up to fetch.max.bytes; anything far bigger is a protocol error, not something to allocate for.
            MaxResponseBytes = 256 << 20,
        });
    }
}

using Confluent.Kafka;

namespace FastLog.Chaos.Workload;

/// <summary>What every client of the workload shares: quick reconnects (a restarted node is back within a second or two) and socket timeouts matching the request timeout.</summary>
internal static class ClientSettings
{
    /// <summary>
    /// librdkafka's log (every refused connection while a node is down) is noise next to the
    /// history, which records what each operation came to.
    /// </summary>
    public static void IgnoreLog<TClient>(TClient client, LogMessage message)
    {
    }

    public static void Apply(ClientConfig config, WorkloadOptions options)
    {
        config.ReconnectBackoffMs = 50;
        config.ReconnectBackoffMaxMs = 500;
        config.SocketTimeoutMs = options.RequestTimeoutMs;
        config.SocketConnectionSetupTimeoutMs = options.RequestTimeoutMs;
        config.TopicMetadataRefreshIntervalMs = 5000;
        config.Set("retry.backoff.ms", "50");
        config.Set("retry.backoff.max.ms", "500");
    }
}

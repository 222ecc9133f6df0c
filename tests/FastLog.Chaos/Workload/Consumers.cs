using Confluent.Kafka;

namespace FastLog.Chaos.Workload;

/// <summary>The consumer configuration the readers share, and a poll that outlives broker faults.</summary>
internal static class Consumers
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    public static IConsumer<Null, string> Build(string bootstrapServers, WorkloadOptions options, string groupId, Action<ConsumerBuilder<Null, string>>? configure = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 100,
            SessionTimeoutMs = 10000,
            HeartbeatIntervalMs = 1000,
            EnablePartitionEof = false,
        };
        ClientSettings.Apply(config, options);
        var builder = new ConsumerBuilder<Null, string>(config).SetLogHandler(ClientSettings.IgnoreLog);
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>The next record, or null: a consumer error while the broker is down or paused is expected and retried by librdkafka.</summary>
    public static ConsumeResult<Null, string>? Poll(IConsumer<Null, string> consumer)
    {
        try
        {
            return consumer.Consume(PollTimeout);
        }
        catch (ConsumeException)
        {
            return null;
        }
    }
}

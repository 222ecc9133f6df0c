using Confluent.Kafka;

namespace FastLog.Broker.Tests;

/// <summary>
/// Owns one test's group consumers and bounds their shutdown, so a failing group test reports its
/// failure instead of hanging. librdkafka's Close (rd_kafka_consumer_close) leaves the group and may
/// wait on a rebalance for a long time (a member that stalled past max.poll.interval.ms, a broker
/// already gone), and Confluent.Kafka's Dispose of a consumer whose Close is still running destroys
/// the handle under it. So each consumer's Close runs once, on a background task:
/// <see cref="CloseAsync"/> awaits it within <see cref="GroupClients.Deadline"/> (a timeout fails
/// the test); <see cref="DisposeAsync"/>, which runs on every path including a failed assertion,
/// disposes the consumers never closed (Dispose skips the consumer close: no group round trip),
/// gives closes still running a short grace, and then abandons them rather than wait.
/// Used from the test's own thread only.
/// </summary>
internal sealed class GroupConsumers : IAsyncDisposable
{
    private static readonly TimeSpan DisposeGrace = TimeSpan.FromSeconds(10);

    private readonly List<IConsumer<string, string>> _consumers = [];
    private readonly Dictionary<IConsumer<string, string>, Task> _closing = [];

    public IConsumer<string, string> Add(IConsumer<string, string> consumer)
    {
        _consumers.Add(consumer);
        return consumer;
    }

    /// <summary>
    /// Closes members of one group together: closing one starts a rebalance that waits for the
    /// others to rejoin, which they only do while they are polled (or closing) too.
    /// </summary>
    public Task CloseAsync(params IConsumer<string, string>[] consumers) =>
        Task.WhenAll(consumers.Select(StartClose)).WaitAsync(GroupClients.Deadline);

    public async ValueTask DisposeAsync()
    {
        var shutdowns = _consumers.Select(c => _closing.TryGetValue(c, out var closing) ? closing : Task.Run(c.Dispose)).ToList();
        try
        {
            await Task.WhenAll(shutdowns).WaitAsync(DisposeGrace);
        }
        catch (Exception e) when (e is TimeoutException or KafkaException)
        {
            // Already reported: by the assertion that failed, or by CloseAsync. A close still hung is abandoned.
        }
    }

    private Task StartClose(IConsumer<string, string> consumer)
    {
        if (!_closing.TryGetValue(consumer, out var closing))
        {
            closing = Task.Run(consumer.Close);
            _closing[consumer] = closing;
        }

        return closing;
    }
}

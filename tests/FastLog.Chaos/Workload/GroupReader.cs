using System.Runtime.CompilerServices;
using Confluent.Kafka;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Workload;

/// <summary>
/// A member of the run's consumer group: reads what the group assigns it and commits its position
/// every <see cref="WorkloadOptions.CommitIntervalMs"/>; each acknowledged commit is recorded.
/// Every assignment starts a new session (its first offset comes from the group's committed offset).
/// Threads: <see cref="Run"/> on its own thread (the assignment handler runs inside its Consume);
/// <paramref name="sessions"/> is shared by the members and numbered with Interlocked.
/// </summary>
internal sealed class GroupReader(int id, string bootstrapServers, WorkloadOptions options, RunHistory history, StrongBox<int> sessions)
{
    public static string GroupId(WorkloadOptions options) => $"{options.Topic}-group";

    public void Run(CancellationToken stop)
    {
        var name = $"group-{id}";
        var session = new Dictionary<int, int>();
        using var consumer = Consumers.Build(bootstrapServers, options, GroupId(options), builder => builder.SetPartitionsAssignedHandler((_, assigned) =>
        {
            foreach (var partition in assigned)
            {
                session[partition.Partition.Value] = Interlocked.Increment(ref sessions.Value);
            }
        }));
        consumer.Subscribe(options.Topic);
        var nextCommit = history.NowMs + options.CommitIntervalMs;
        while (!stop.IsCancellationRequested)
        {
            if (Consumers.Poll(consumer) is { } result)
            {
                history.Record(new ReadOp(name, session.GetValueOrDefault(result.Partition.Value), result.Partition.Value, result.Offset.Value, result.Message.Value, history.NowMs));
            }

            if (history.NowMs >= nextCommit)
            {
                Commit(consumer, name);
                nextCommit = history.NowMs + options.CommitIntervalMs;
            }
        }

        Commit(consumer, name);
        consumer.Close();
    }

    private void Commit(IConsumer<Null, string> consumer, string name)
    {
        try
        {
            // An offset below 0 is a partition with nothing consumed yet: nothing was committed for it.
            foreach (var committed in consumer.Commit().Where(c => c.Offset.Value >= 0))
            {
                history.Record(new CommitOp(name, committed.Partition.Value, committed.Offset.Value, history.NowMs));
            }
        }
        catch (KafkaException)
        {
            // Not acknowledged (coordinator down, paused, rebalancing, nothing to commit): the next interval commits again.
        }
    }
}

using Confluent.Kafka;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Workload;

/// <summary>
/// A consumer assigned every partition from the start (no group), reading continuously through
/// the faults: one session for the whole run, so its offsets must rise one by one.
/// Threads: <see cref="Run"/> on its own thread.
/// </summary>
internal sealed class AssignedReader(string bootstrapServers, WorkloadOptions options, RunHistory history)
{
    public const string Name = "assigned";

    public void Run(CancellationToken stop)
    {
        using var consumer = Consumers.Build(bootstrapServers, options, $"{options.Topic}-assigned");
        consumer.Assign(Enumerable.Range(0, options.Partitions).Select(p => new TopicPartitionOffset(options.Topic, p, Offset.Beginning)));
        while (!stop.IsCancellationRequested)
        {
            if (Consumers.Poll(consumer) is { } result)
            {
                history.Record(new ReadOp(Name, 0, result.Partition.Value, result.Offset.Value, result.Message.Value, history.NowMs));
            }
        }

        consumer.Close();
    }
}

using Confluent.Kafka;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Workload;

/// <summary>
/// After the faults ended and the system healed: every partition read from its start up to its
/// high watermark, and the group's committed offsets read back. Bounded by <see cref="Timeout"/>;
/// a read that cannot finish is an error of the run, not a verdict.
/// </summary>
internal static class FinalRead
{
    public const string Name = "final";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public static void Run(string bootstrapServers, WorkloadOptions options, RunHistory history)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var partitions = Enumerable.Range(0, options.Partitions).Select(p => new TopicPartition(options.Topic, p)).ToList();
        using (var consumer = Consumers.Build(bootstrapServers, options, $"{options.Topic}-final"))
        {
            var ends = partitions.ToDictionary(p => p.Partition.Value, p => Retry(() => consumer.QueryWatermarkOffsets(p, RequestTimeout).High.Value, deadline));
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
            var remaining = ends.Where(e => e.Value > 0).Select(e => e.Key).ToHashSet();
            while (remaining.Count > 0)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the final read did not reach the end of partitions {string.Join(", ", remaining)} within {Timeout.TotalMinutes} min");
                }

                var result = Consumers.Poll(consumer);
                if (result is null)
                {
                    // Offsets the log does not hold (gaps) are never returned: the position tells the end was passed.
                    remaining.RemoveWhere(p => consumer.Position(new TopicPartition(options.Topic, p)).Value >= ends[p]);
                }
                else
                {
                    history.RecordFinal(new ReadOp(Name, 0, result.Partition.Value, result.Offset.Value, result.Message.Value, history.NowMs));
                    if (result.Offset.Value + 1 >= ends[result.Partition.Value])
                    {
                        remaining.Remove(result.Partition.Value);
                    }
                }
            }
        }

        using var group = Consumers.Build(bootstrapServers, options, GroupReader.GroupId(options));
        var committed = Retry(() => group.Committed(partitions, RequestTimeout), deadline);
        history.RecordFinalCommitted(committed.Where(c => c.Offset.Value >= 0).ToDictionary(c => c.Partition.Value, c => c.Offset.Value));
    }

    /// <summary>A metadata request right after a restart may time out once or twice.</summary>
    private static T Retry<T>(Func<T> request, DateTime deadline)
    {
        while (true)
        {
            try
            {
                return request();
            }
            catch (KafkaException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}

using FastLog.Broker.Partitions;
using FastLog.Broker.Topics;
using FastLog.Protocol;
using FastLog.Server.Requests;
using LogDir = FastLog.Protocol.DescribeLogDirsResponse.DescribeLogDirsResult;
using LogDirPartition = FastLog.Protocol.DescribeLogDirsResponse.DescribeLogDirsPartition;

namespace FastLog.Server.Handlers;

/// <summary>
/// DescribeLogDirs: every log directory (each <c>log.dirs</c> entry, absolute path) with the size
/// and offset lag of each partition it holds, read on the partition's owner shard, and (v4) the
/// total and usable bytes of its filesystem; a failed directory is listed with KAFKA_STORAGE_ERROR
/// and no partitions, as Kafka lists an offline log dir. Null topics describe every partition; otherwise the
/// requested ones, and, as in Kafka, unknown topics and partitions are left out rather than
/// answered with an error. The consumer-offsets partitions, which the group shards keep outside
/// the topic registry, are not listed.
/// </summary>
internal sealed class DescribeLogDirsHandler : ApiHandler<DescribeLogDirsRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeLogDirs;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, DescribeLogDirsRequest request)
    {
        var broker = context.Broker;
        var partitions = Requested(broker.Topics, request.Topics);
        var described = await broker.Partitions.OnOwnersAsync(partitions, static p => p, static (manager, p) => ValueTask.FromResult(Describe(manager, p)));

        var results = new List<LogDir>();
        foreach (var directory in broker.Partitions.Directories.All)
        {
            if (directory.IsOffline)
            {
                // Kafka's answer for a failed directory: its error, no partitions, sizes unknown.
                results.Add(new LogDir { LogDir = directory.Path, ErrorCode = ErrorCode.KafkaStorageError, TotalBytes = LogDir.UnknownBytes, UsableBytes = LogDir.UnknownBytes });
                continue;
            }

            var (total, usable) = FilesystemBytes(directory.Path);
            var logDir = new LogDir { LogDir = directory.Path, TotalBytes = total, UsableBytes = usable };
            TopicData<LogDirPartition>? topic = null;
            for (var i = 0; i < partitions.Count; i++)
            {
                // Null: not open on its owner (being created or deleted right now); Kafka lists only the logs a directory holds.
                if (described[i] is not { } partition || partition.Directory != directory)
                    continue;
                if (topic?.Name != partitions[i].Topic)
                {
                    topic = new TopicData<LogDirPartition> { Name = partitions[i].Topic };
                    logDir.Topics.Add(topic);
                }

                topic.Partitions.Add(partition.Description);
            }

            results.Add(logDir);
        }

        return new DescribeLogDirsResponse { Results = results };
    }

    /// <summary>The existing partitions the request names (every partition for null topics), grouped by topic.</summary>
    private static List<TopicPartition> Requested(TopicRegistry topics, List<TopicPartitionIndexes>? requested)
    {
        if (requested is null)
            return [.. topics.Current.ByName.Values.SelectMany(t => Enumerable.Range(0, t.PartitionCount).Select(p => new TopicPartition(t.Name, p)))];

        var partitions = new List<TopicPartition>();
        // A set: a client naming a topic or partition twice still gets each log once.
        var seen = new HashSet<TopicPartition>();
        foreach (var entry in requested)
        {
            if (topics.Find(entry.Name) is not { } topic)
                continue;
            foreach (var index in entry.PartitionIndexes.Where(p => p >= 0 && p < topic.PartitionCount))
            {
                var partition = new TopicPartition(topic.Name, index);
                if (seen.Add(partition))
                    partitions.Add(partition);
            }
        }

        return [.. partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)];
    }

    /// <summary>On the owner shard: the directory holding the log, its size and its end's lag behind the high watermark (0 on a single node).</summary>
    private static (LogDirectory Directory, LogDirPartition Description)? Describe(PartitionManager manager, TopicPartition partition) =>
        manager.FindOnOwner(partition) is { } replica
            ? (replica.Directory, new LogDirPartition { PartitionIndex = partition.Partition, PartitionSize = replica.Log.SizeBytes, OffsetLag = Math.Max(0, replica.Log.LogEndOffset - replica.Log.HighWatermark) })
            : null;

    /// <summary>The filesystem's size and the bytes available to the broker; Kafka's -1 when it cannot be read.</summary>
    private static (long Total, long Usable) FilesystemBytes(string directory)
    {
        try
        {
            var drive = new DriveInfo(directory);
            return (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (LogDir.UnknownBytes, LogDir.UnknownBytes);
        }
    }
}

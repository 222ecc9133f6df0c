using FastLog.Core;
using Microsoft.Extensions.Logging;

namespace FastLog.Server.Network;

/// <summary>
/// The start-up check of the file-descriptor limit (RLIMIT_NOFILE): raises the soft limit to the
/// hard one, then refuses to start, with one line naming what to change, when the limit cannot
/// hold what the partitions keep open, the reserve (fastlog.fd.reserve) and max.connections
/// connections (one descriptor each) and the shards' splice pipes. What a partition keeps open (see FastLog.Storage's PartitionLog and LogSegment):
/// its directory and checkpoint file, a read descriptor per segment, and for the active segment
/// its write descriptor and its .index and .timeindex: <see cref="DescriptorsPerPartition"/> plus
/// one per segment file. Runs once, on the starting thread, before the partitions are opened.
/// </summary>
internal static class FileDescriptorBudget
{
    /// <summary>Directory, checkpoint, active segment's write descriptor, .index, .timeindex.</summary>
    public const int DescriptorsPerPartition = 5;

    /// <summary>The limit in force after raising it; throws IOException when it cannot hold the configuration.</summary>
    public static long Check(int maxConnections, int reserve, int shards, int partitions, IReadOnlyList<string> dataDirectories, ILogger logger)
    {
        var (limit, previous) = FileDescriptors.RaiseSoftLimitToHard();
        if (limit != previous)
        {
            logger.LogInformation("File descriptor limit raised from {Previous} to the hard limit {Limit}", previous, limit);
        }

        var inUse = FileDescriptors.CountOpen();
        // Every log.dirs entry: a JBOD broker's partitions keep their segments open on every disk.
        var segments = dataDirectories.Where(Directory.Exists).Sum(d => Directory.EnumerateFiles(d, "*.log", SearchOption.AllDirectories).LongCount());
        var storage = ((long)partitions * DescriptorsPerPartition) + segments;
        var pipes = ConnectionAdmission.PipeDescriptorsFor(shards);

        // With no max.connections, at least one connection must fit; with one, all of them.
        var connections = maxConnections == int.MaxValue ? 1 : maxConnections;
        var needed = inUse + storage + reserve + pipes + connections;
        if (needed > limit)
        {
            throw new IOException(
                $"the file descriptor limit {limit} (ulimit -n; LimitNOFILE= under systemd) cannot hold {inUse} in use, {storage} for {partitions} partitions ({segments} segments), " +
                $"{reserve} reserved (fastlog.fd.reserve), {pipes} for the shards' splice pipes and {connections} connections" +
                (maxConnections == int.MaxValue ? "" : " (max.connections)") +
                $": raise the limit to at least {needed}" + (maxConnections == int.MaxValue ? "" : " or lower max.connections"));
        }

        var room = limit - inUse - storage - reserve - pipes;
        logger.LogInformation(
            "File descriptors: limit {Limit}, {InUse} in use, about {Storage} for {Partitions} partitions, {Pipes} for splice pipes, {Reserve} reserved: room for {Room} connections (max.connections {MaxConnections})",
            limit, inUse, storage, partitions, pipes, reserve, room, maxConnections == int.MaxValue ? "unlimited" : maxConnections);
        return limit;
    }
}

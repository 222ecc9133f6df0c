using FastLog.Broker.Configuration;
using FastLog.Broker.Partitions;
using FastLog.Host.Configuration;
using FastLog.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastLog.Broker.Tests;

/// <summary>
/// log.dirs with several entries (JBOD): every entry is parsed, partitions are found where they
/// are, new ones go where the fewest are, a partition in two directories stops the start, every
/// directory is locked, and a failed directory takes no new partitions.
/// </summary>
public sealed class LogDirectoriesTests : IDisposable
{
    private const int Shards = 2;

    private readonly string _root = Directory.CreateTempSubdirectory("fastlog-logdirs-").FullName;

    private string Dir(string name) => Path.Combine(_root, name);

    [Fact]
    public void LogDirs_EveryEntryIsUsed_AndTheFirstHoldsTheBrokerWideFiles()
    {
        var options = new BrokerOptions();
        Assert.True(BrokerOptionsLoader.Apply(options, "log.dirs", " /disk1/fastlog, /disk2/fastlog ,/disk3/fastlog"));

        Assert.Equal(["/disk1/fastlog", "/disk2/fastlog", "/disk3/fastlog"], options.DataDirectories);
        Assert.Equal("/disk1/fastlog", options.DataDirectory);
        options.DataDirectories = ["/disk1/fastlog", "/disk1/fastlog/"];
        Assert.Contains("twice", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deletion_a_crash_interrupted_is_finished_at_open_and_never_taken_for_a_log()
    {
        var halfDeleted = Path.Combine(Dir("a"), "orders-0.0f1e2d3c-delete");
        Directory.CreateDirectory(halfDeleted);
        File.WriteAllText(Path.Combine(halfDeleted, "00000000000000000100.log"), "a later segment the deletion had not reached");
        Directory.CreateDirectory(Path.Combine(Dir("a"), "orders-1"));

        using var directories = LogDirectories.Open([Dir("a")], Shards, NullLogger.Instance);

        Assert.False(Directory.Exists(halfDeleted));
        Assert.Equal(1, directories.All[0].PartitionCount);
        Assert.Null(directories.Find(new TopicPartition("orders", 0)));
    }

    [Fact]
    public void ExistingPartitions_AreFoundWhereTheyAre_NewOnesGoWhereTheFewestAre()
    {
        Directory.CreateDirectory(Path.Combine(Dir("a"), "orders-0"));
        Directory.CreateDirectory(Path.Combine(Dir("a"), "orders-1"));
        Directory.CreateDirectory(Path.Combine(Dir("b"), "my-topic-2"));
        Directory.CreateDirectory(Path.Combine(Dir("b"), "lost+found")); // not a partition
        using var directories = LogDirectories.Open([Dir("a"), Dir("b") + "/"], Shards, NullLogger.Instance);
        var (a, b) = (directories.All[0], directories.All[1]);

        Assert.Equal(Dir("b"), b.Path); // absolute, as DescribeLogDirs reports it
        Assert.Equal((2, 1), (a.PartitionCount, b.PartitionCount));
        Assert.Same(a, directories.DirectoryFor(new TopicPartition("orders", 1)));
        Assert.Same(b, directories.DirectoryFor(new TopicPartition("my-topic", 2)));
        Assert.Same(b, directories.DirectoryFor(new TopicPartition("new", 0))); // b has fewer
        Assert.NotSame(directories.DirectoryFor(new TopicPartition("new", 1)), directories.DirectoryFor(new TopicPartition("new", 2))); // from a tie, one each
        Assert.Equal((3, 3), (a.PartitionCount, b.PartitionCount));

        directories.Forget(new TopicPartition("orders", 0));
        Assert.Same(a, directories.DirectoryFor(new TopicPartition("new", 3)));
        Assert.Equal(Path.Combine(Dir("a"), "new-3"), a.PartitionPath(new TopicPartition("new", 3)));
    }

    [Fact]
    public void WithAsManyShardsAsDisks_EachShardsPartitionsSpreadOverEveryDisk()
    {
        using var directories = LogDirectories.Open([Dir("a"), Dir("b")], Shards, NullLogger.Instance);

        var placed = Enumerable.Range(0, 8).Select(p => (Shard: PartitionPlacement.ShardFor(new TopicPartition("t", p), Shards), Directory: directories.DirectoryFor(new TopicPartition("t", p)))).ToList();

        Assert.Equal((4, 4), (directories.All[0].PartitionCount, directories.All[1].PartitionCount));
        foreach (var shard in placed.GroupBy(p => p.Shard))
        {
            Assert.Equal([2, 2], shard.GroupBy(p => p.Directory).Select(d => d.Count()));
        }
    }

    [Fact]
    public void APartitionInTwoDirectories_StopsTheStart_NamingBoth()
    {
        Directory.CreateDirectory(Path.Combine(Dir("a"), "orders-0"));
        Directory.CreateDirectory(Path.Combine(Dir("b"), "orders-0"));

        var error = Assert.Throws<IOException>(() => LogDirectories.Open([Dir("a"), Dir("b")], Shards, NullLogger.Instance));

        Assert.Contains(Path.Combine(Dir("a"), "orders-0"), error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Dir("b"), "orders-0"), error.Message, StringComparison.Ordinal);
        // The locks taken before the error were given back: a corrected start succeeds.
        Directory.Delete(Path.Combine(Dir("b"), "orders-0"));
        using var directories = LogDirectories.Open([Dir("a"), Dir("b")], Shards, NullLogger.Instance);
    }

    [Fact]
    public void EveryDirectoryIsLocked_NotOnlyTheFirst()
    {
        using var first = LogDirectories.Open([Dir("a"), Dir("b")], Shards, NullLogger.Instance);

        var error = Assert.Throws<IOException>(() => LogDirectories.Open([Dir("c"), Dir("b")], Shards, NullLogger.Instance));

        Assert.Contains($"{Dir("b")} is in use by another broker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedDirectory_GoesOffline_AndTakesNoNewPartitions()
    {
        using var directories = LogDirectories.Open([Dir("a"), Dir("b")], Shards, NullLogger.Instance);
        var (a, b) = (directories.All[0], directories.All[1]);
        Assert.Same(a, directories.DirectoryFor(new TopicPartition("t", 0)));

        directories.Fail(a, new IOException("Read-only file system"));
        directories.Fail(a, new IOException("a second error is not the cause"));

        Assert.Equal(("Read-only file system", false), (a.Failure, b.IsOffline));
        Assert.Same(a, directories.DirectoryFor(new TopicPartition("t", 0))); // still where its data is
        Assert.Same(b, directories.DirectoryFor(new TopicPartition("t", 1)));
        Assert.Same(b, directories.DirectoryFor(new TopicPartition("t", 2)));
        directories.Fail(b, new IOException("EIO"));
        Assert.Throws<IOException>(() => directories.DirectoryFor(new TopicPartition("t", 3)));
    }

    [Fact]
    public async Task ADiskFailingUnderIdlePartitions_IsFoundByTheProbe_AndOnlyItsDirectoryGoesOffline()
    {
        if (!LoopFilesystem.Available)
        {
            return; // needs root and mkfs.ext4 to loop-mount a small filesystem
        }

        using var disk = LoopFilesystem.Create(16);
        Directory.CreateDirectory(Path.Combine(disk.MountPoint, "data", "idle-0"));
        using var directories = LogDirectories.Open([Dir("a"), Path.Combine(disk.MountPoint, "data")], Shards, TimeSpan.FromMilliseconds(50), NullLogger.Instance);
        await Task.Delay(200);
        Assert.All(directories.All, d => Assert.False(d.IsOffline));

        disk.FailWithError();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!directories.All[1].IsOffline && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains("Read-only file system", directories.All[1].Failure, StringComparison.Ordinal);
        Assert.False(directories.All[0].IsOffline);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

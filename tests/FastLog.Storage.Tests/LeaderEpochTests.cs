using FastLog.Storage.Epochs;

namespace FastLog.Storage.Tests;

/// <summary>
/// The leader epochs a log keeps: recorded from appended batches, saved in leader-epoch-checkpoint,
/// rebuilt from batch headers by recovery, truncated with the log.
/// </summary>
public sealed class LeaderEpochTests : IDisposable
{
    private readonly ShardHarness _shard = new();

    private readonly StorageOptions _options = ShardHarness.AbandonableOptions;

    public void Dispose() => _shard.Dispose();

    private string EpochFile => Path.Combine(_shard.Directory, LeaderEpochCheckpointFile.FileName);

    /// <summary>Appends <see cref="TestStream"/> batch i with leader epoch epochs[i - from], for each of <paramref name="epochs"/>.</summary>
    private Task Append(PartitionLog log, int from, params int[] epochs) => _shard.Run(async () =>
    {
        for (var i = 0; i < epochs.Length; i++)
        {
            await log.AppendAsync(TestStream.Batch(from + i), epochs[i]);
        }
    });

    private static int[] Repeat(int epoch, int count) => Enumerable.Repeat(epoch, count).ToArray();

    private Task<EpochEntry[]> Epochs(PartitionLog log) => _shard.Run(() => ValueTask.FromResult(log.LeaderEpochs.ToArray()));

    private static EpochEntry Entry(int epoch, int batch) => new(epoch, TestStream.OffsetOf(batch));

    [Fact]
    public async Task Appends_RecordEachNewerEpoch_AndOffsetForLeaderEpochAnswersFromThem()
    {
        var log = await _shard.Open(_options);

        await Append(log, 0, -1, 0, 0, 2, 2, 2, 5, -1, 3);

        Assert.Equal([Entry(0, 1), Entry(2, 3), Entry(5, 6)], await Epochs(log));
        var answers = await _shard.Run(() => ValueTask.FromResult(new[] { 0, 1, 2, 5, 7, -1 }.Select(log.EndOffsetForEpoch).ToArray()));
        Assert.Equal(
            [(0, TestStream.OffsetOf(3)), (0, TestStream.OffsetOf(3)), (2, TestStream.OffsetOf(6)), (5, TestStream.OffsetOf(9)), (-1, -1L), (-1, -1L)],
            answers);
        await _shard.Close(log);
    }

    [Fact]
    public async Task ASingleNode_WithoutEpochs_KeepsNone_AndWritesNoFile()
    {
        var log = await _shard.Open(_options);
        await _shard.AppendStream(log, 0, 10);
        await _shard.Close(log);

        Assert.False(File.Exists(EpochFile));
        log = await _shard.Open(_options);
        Assert.Empty(await Epochs(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task CleanClose_SavesKafkasFile_AndTheNextOpenLoadsIt()
    {
        var log = await _shard.Open(_options);
        await Append(log, 0, [.. Repeat(0, 3), .. Repeat(4, 3)]);
        await _shard.Close(log);

        Assert.Equal($"0\n2\n0 0\n4 {TestStream.OffsetOf(3)}\n", File.ReadAllText(EpochFile));
        log = await _shard.Open(_options);
        Assert.Equal(0, log.BytesScannedAtOpen);
        Assert.Equal([Entry(0, 0), Entry(4, 3)], await Epochs(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task UncleanStop_BeforeAnyEpochFile_RebuildsTheEpochsFromTheLog()
    {
        var abandoned = await _shard.Open(_options);
        await Append(abandoned, 0, [.. Repeat(1, 5), .. Repeat(2, 5), .. Repeat(7, 5)]);
        Assert.False(File.Exists(EpochFile));

        var log = await _shard.Open(_options);

        Assert.Equal([Entry(1, 0), Entry(2, 5), Entry(7, 10)], await Epochs(log));
        Assert.Equal($"0\n3\n1 0\n2 {TestStream.OffsetOf(5)}\n7 {TestStream.OffsetOf(10)}\n", File.ReadAllText(EpochFile));
        await _shard.Close(log);
    }

    [Fact]
    public async Task UncleanStop_AfterRolls_JoinsTheSavedEpochsWithThoseOfTheScannedTail()
    {
        var options = _options with { SegmentBytes = 8192 };
        var abandoned = await _shard.Open(options);
        await Append(abandoned, 0, Repeat(3, 30));
        Assert.True(abandoned.SegmentCount > 2);

        // The rolls saved epoch 3; epoch 6 comes after the last one, so only the scan can find it.
        await Append(abandoned, 30, 6);
        Assert.Equal("0\n1\n3 0\n", File.ReadAllText(EpochFile));

        var log = await _shard.Open(options);

        Assert.Equal([Entry(3, 0), Entry(6, 30)], await Epochs(log));
        await _shard.Close(log);
    }

    [Fact]
    public async Task Open_DropsSavedEpochsPastTheLogEnd()
    {
        var log = await _shard.Open(_options);
        await Append(log, 0, Repeat(1, 5));
        await _shard.Close(log);

        // As a crash can leave it: saved with batches that did not survive.
        File.WriteAllText(EpochFile, "0\n2\n1 0\n9 1000\n");
        log = await _shard.Open(_options);

        Assert.Equal([Entry(1, 0)], await Epochs(log));
        Assert.Equal("0\n1\n1 0\n", File.ReadAllText(EpochFile));
        await _shard.Close(log);
    }

    [Fact]
    public async Task DeleteRecords_TruncatesTheEpochsFromTheStart()
    {
        var log = await _shard.Open(_options);
        await Append(log, 0, [.. Repeat(0, 10), .. Repeat(1, 10), .. Repeat(2, 10)]);

        await _shard.Run(async () => await log.DeleteRecordsAsync(TestStream.OffsetOf(15)));

        Assert.Equal([Entry(1, 15), Entry(2, 20)], await Epochs(log));
        await _shard.Close(log);
        Assert.Equal($"0\n2\n1 {TestStream.OffsetOf(15)}\n2 {TestStream.OffsetOf(20)}\n", File.ReadAllText(EpochFile));
    }

    [Fact]
    public async Task UnreadableEpochFile_IsReported_AndRebuiltFromEveryBatch()
    {
        var options = _options with { SegmentBytes = 8192 };
        var log = await _shard.Open(options);
        await Append(log, 0, [.. Repeat(0, 10), .. Repeat(1, 10), .. Repeat(2, 10)]);
        await _shard.Close(log);

        File.WriteAllText(EpochFile, "0\n3\n0 0\n");
        log = await _shard.Open(options);

        Assert.Contains(_shard.Messages, m => m.Contains("CORRUPTION", StringComparison.Ordinal) && m.Contains(LeaderEpochCheckpointFile.FileName, StringComparison.Ordinal));
        Assert.Equal([Entry(0, 0), Entry(1, 10), Entry(2, 20)], await Epochs(log));
        Assert.Equal(3, LeaderEpochCheckpointFile.Parse(File.ReadAllText(EpochFile)).Count);
        await _shard.Close(log);
    }
}

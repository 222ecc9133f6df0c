namespace FastLog.Storage.Tests;

/// <summary>
/// Unclean restarts in-process: a log is abandoned without CloseAsync (as if the process died),
/// its files are damaged the way a crash can leave them, and a new instance opens the directory.
/// </summary>
public sealed class RecoveryTests : IDisposable
{
    private readonly ShardHarness _shard = new();

    private readonly StorageOptions _options = ShardHarness.AbandonableOptions;

    public void Dispose() => _shard.Dispose();

    private async Task<PartitionLog> OpenAndAppend(int count, StorageOptions? options = null)
    {
        var log = await _shard.Open(options ?? _options);
        await _shard.AppendStream(log, 0, count);
        return log;
    }

    private string ActiveLogFile() =>
        SegmentFileNames.Log(_shard.Directory, SegmentFileNames.SegmentBaseOffsets(Directory.EnumerateFiles(_shard.Directory)).Last());

    [Fact]
    public async Task UncleanRestart_ScansOnlyAfterTheCheckpoint_AndKeepsEverything()
    {
        var abandoned = await OpenAndAppend(60);
        var highWatermark = abandoned.HighWatermark;

        var log = await _shard.Open(_options);

        Assert.Equal(highWatermark, log.HighWatermark);
        Assert.Equal(TestStream.Expected(0, 60).Length, log.BytesScannedAtOpen); // checkpoint was at open: position 0
        Assert.Equal(TestStream.Expected(0, 60), await _shard.ReadFrom(log, 0));
        await _shard.Close(log);
    }

    [Fact]
    public async Task TornLastBatch_IsTruncated_AndTheLogContinuesAfterIt()
    {
        await OpenAndAppend(30);
        var path = ActiveLogFile();
        var validEnd = TestStream.Expected(0, 30).Length;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            // The last batch's final bytes never reached the disk.
            file.Position = validEnd - 40;
            file.Write(new byte[40]);
        }

        var log = await _shard.Open(_options);

        Assert.Equal(TestStream.Expected(0, 29).Length, new FileInfo(path).Length);
        Assert.Equal(TestStream.Expected(0, 29), await _shard.ReadFrom(log, 0));
        Assert.Contains(_shard.Messages, m => m.Contains("truncating", StringComparison.Ordinal));
        var next = await _shard.Run(async () => await log.AppendAsync(TestStream.Batch(29)));
        Assert.Equal(TestStream.OffsetOf(29), next.BaseOffset);
        Assert.Equal(TestStream.Expected(0, 30), await _shard.ReadFrom(log, 0));
        await _shard.Close(log);
    }

    [Fact]
    public async Task CorruptBatchInTheTail_TruncatesThere_AndStaleBytesAfterItNeverComeBack()
    {
        await OpenAndAppend(40);
        var path = ActiveLogFile();
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = TestStream.Expected(0, 20).Length + 70; // inside batch 20's records
            file.WriteByte(0xEE);
        }

        var log = await _shard.Open(_options);
        Assert.Equal(TestStream.Expected(0, 20), await _shard.ReadFrom(log, 0));

        // Batches 21..39 were still valid bytes in the file: they must not reappear after another crash.
        await _shard.Run(async () => await log.AppendAsync(TestStream.Batch(20)));
        var again = await _shard.Open(_options);
        Assert.Equal(TestStream.Expected(0, 21), await _shard.ReadFrom(again, 0));
        await _shard.Close(again);
    }

    [Fact]
    public async Task LostCheckpointFile_RebuildsEverythingFromTheLog()
    {
        var options = _options with { SegmentBytes = 16_384 };
        var abandoned = await OpenAndAppend(80, options);
        var segments = abandoned.SegmentCount;
        File.Delete(Path.Combine(_shard.Directory, SegmentFileNames.CheckpointFileName));
        foreach (var index in Directory.EnumerateFiles(_shard.Directory, "*.index"))
        {
            File.WriteAllBytes(index, new byte[64]);
        }

        var log = await _shard.Open(options);

        Assert.Equal(segments, log.SegmentCount);
        Assert.Equal(TestStream.Expected(0, 80).Length, log.BytesScannedAtOpen);
        Assert.Equal(TestStream.Expected(0, 80), await _shard.ReadFrom(log, 0));
        await _shard.Close(log);
    }

    [Fact]
    public async Task CrashDuringRoll_LeavesAnUntrimmedOlderSegment_WhichRecoverySealsBeforeTrustingIt()
    {
        var options = _options with { SegmentBytes = 16_384 };
        var checkpointPath = Path.Combine(_shard.Directory, SegmentFileNames.CheckpointFileName);
        var log = await _shard.Open(options);
        var beforeRoll = File.ReadAllBytes(checkpointPath);
        await _shard.AppendStream(log, 0, 80);
        Assert.True(log.SegmentCount >= 3);

        // As if the process died inside the first roll: the checkpoint still names segment 0,
        // whose file still carries its preallocated zeros.
        File.WriteAllBytes(checkpointPath, beforeRoll);
        using (var first = new FileStream(SegmentFileNames.Log(_shard.Directory, 0), FileMode.Open))
        {
            first.SetLength(first.Length + 65_536);
        }

        var recovered = await _shard.Open(options);
        Assert.Equal(TestStream.Expected(0, 80), await _shard.ReadFrom(recovered, 0));

        // Crash again: this time segment 0 is before the checkpoint, trusted by its file length.
        var again = await _shard.Open(options);
        Assert.Equal(TestStream.Expected(0, 80), await _shard.ReadFrom(again, 0));
        await _shard.Close(again);
    }
}

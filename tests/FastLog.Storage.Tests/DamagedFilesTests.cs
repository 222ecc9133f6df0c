using FastLog.Records;

namespace FastLog.Storage.Tests;

/// <summary>
/// Files damaged at rest (issue 16, probes 4-6): index files missing or inconsistent are rebuilt;
/// a full-scan recovery that meets a damaged old segment moves what it cannot serve to quarantine
/// instead of deleting it; the scrub finds a flipped byte in a closed segment and reads there fail.
/// </summary>
public sealed class DamagedFilesTests : IDisposable
{
    private const long FirstTimestamp = 1_700_000_000_000;
    private readonly ShardHarness _shard = new();

    public void Dispose() => _shard.Dispose();

    private static StorageOptions Small(ScrubBudget? scrub = null, IStorageMetrics? metrics = null) => new()
    {
        SegmentBytes = 16_384,
        TailCacheBytes = 0,
        RetentionAge = null,
        Scrub = scrub,
        Metrics = metrics,
    };

    /// <summary>Appends batches [0, 100) in small segments and closes cleanly; returns the segments' base offsets.</summary>
    private async Task<List<long>> WriteSegments(StorageOptions options)
    {
        var log = await _shard.Open(options);
        await _shard.AppendStream(log, 0, 100);
        await _shard.Close(log);
        var bases = SegmentFileNames.SegmentBaseOffsets(Directory.EnumerateFiles(_shard.Directory)).ToList();
        Assert.True(bases.Count >= 4, $"{bases.Count} segments");
        return bases;
    }

    /// <summary>(position, header) of every batch in a segment file (up to the zeros preallocated ahead of an active segment's writer).</summary>
    private static List<(long Position, RecordBatchHeader Header)> BatchesIn(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var batches = new List<(long, RecordBatchHeader)>();
        for (var at = 0; at + RecordBatchHeader.Size <= bytes.Length && bytes[at + RecordBatchHeader.MagicOffset] != 0;)
        {
            var header = RecordBatchHeader.Read(bytes.AsSpan(at));
            batches.Add((at, header));
            at += header.TotalSize;
        }

        return batches;
    }

    /// <summary>Flips one byte inside the records of the batch at <paramref name="position"/>: its CRC-32C no longer matches.</summary>
    private static void FlipRecordByte(string path, long position)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = position + RecordBatchHeader.Size + 9;
        var value = file.ReadByte();
        file.Position--;
        file.WriteByte((byte)(value ^ 0x5A));
    }

    /// <summary>Appends batches [0, <paramref name="count"/>) to one segment and abandons the log (as kill -9 would); returns the segment's path.</summary>
    private async Task<string> AbandonOneSegment(int count)
    {
        var abandoned = await _shard.Open(ShardHarness.AbandonableOptions);
        await _shard.AppendStream(abandoned, 0, count);
        return SegmentFileNames.Log(_shard.Directory, 0);
    }

    private static int BatchIndexOf(long offset) => Enumerable.Range(0, 100).Single(i => TestStream.OffsetOf(i) == offset);

    [Fact]
    public async Task MissingIndexFiles_AfterACleanStop_AreRebuilt_AndTimestampLookupsFindTheSegmentAgain()
    {
        var bases = await WriteSegments(Small());
        var closed = bases[1];
        var timestamp = FirstTimestamp + BatchIndexOf(closed) + 5; // batch i's MaxTimestamp is at most FirstTimestamp + i + 4: earlier batches stay below it
        var pristine = await _shard.Open(Small());
        var expected = await _shard.Run(async () => await pristine.ReadBatchByTimestampAsync(timestamp, 0));
        await _shard.Close(pristine);
        Assert.NotNull(expected);
        Assert.InRange(RecordBatchHeader.Read(expected).BaseOffset, closed, bases[2] - 1);
        var indexPath = SegmentFileNames.Index(_shard.Directory, closed);
        var timeIndexPath = SegmentFileNames.TimeIndex(_shard.Directory, closed);
        var (index, timeIndex) = (File.ReadAllBytes(indexPath), File.ReadAllBytes(timeIndexPath));
        File.Delete(indexPath);
        File.Delete(timeIndexPath);

        var log = await _shard.Open(Small());

        var found = await _shard.Run(async () => await log.ReadBatchByTimestampAsync(timestamp, 0));
        Assert.Equal(expected, found);
        Assert.Equal(TestStream.Expected(0, 100, 0), await _shard.ReadFrom(log, 0));
        Assert.Equal(index, File.ReadAllBytes(indexPath));
        Assert.Equal(timeIndex, File.ReadAllBytes(timeIndexPath));
        Assert.Single(_shard.Messages, m => m.StartsWith("warning: ", StringComparison.Ordinal) && m.Contains($"segment {closed}: index file missing; rebuilt", StringComparison.Ordinal));
        await _shard.Close(log);

        // Rebuilt for good: the next open trusts them and says nothing.
        _shard.Messages.Clear();
        var again = await _shard.Open(Small());
        Assert.DoesNotContain(_shard.Messages, m => m.Contains("rebuilt", StringComparison.Ordinal));
        await _shard.Close(again);
    }

    [Fact]
    public async Task MissingIndexFiles_OfTheActiveSegment_AreRebuiltFromItsBatches()
    {
        var bases = await WriteSegments(Small());
        var active = bases[^1];
        File.Delete(SegmentFileNames.Index(_shard.Directory, active));
        File.Delete(SegmentFileNames.TimeIndex(_shard.Directory, active));

        var log = await _shard.Open(Small());

        var inside = BatchIndexOf(active) + 1;
        var found = await _shard.Run(async () => await log.ReadBatchByTimestampAsync(FirstTimestamp + inside + 4, 0));
        Assert.NotNull(found);
        Assert.InRange(RecordBatchHeader.Read(found).BaseOffset, active, log.LogEndOffset - 1);
        Assert.Equal(TestStream.Expected(0, 100, 0), await _shard.ReadFrom(log, 0));
        Assert.Contains(_shard.Messages, m => m.StartsWith("warning: ", StringComparison.Ordinal) && m.Contains($"index files of segment {active} do not match", StringComparison.Ordinal));
        await _shard.Close(log);
    }

    [Theory]
    [InlineData("odd size")]
    [InlineData("out of order")]
    [InlineData("past the log")]
    [InlineData("empty")]
    public async Task InconsistentIndexFiles_AreRebuilt(string damage)
    {
        var bases = await WriteSegments(Small());
        var closed = bases[2];
        var indexPath = SegmentFileNames.Index(_shard.Directory, closed);
        var original = File.ReadAllBytes(indexPath);
        Assert.True(original.Length >= 16, $"{original.Length} index bytes");
        var damaged = (byte[])original.Clone();
        switch (damage)
        {
            case "odd size":
                damaged = damaged[..^3];
                break;
            case "out of order":
                // The second entry's relative offset below the first's.
                damaged.AsSpan(8, 8).Clear();
                break;
            case "past the log":
                damaged.AsSpan(damaged.Length - 4).Fill(0x7F);
                break;
            default:
                damaged = [];
                break;
        }

        File.WriteAllBytes(indexPath, damaged);

        var log = await _shard.Open(Small());

        Assert.Equal(original, File.ReadAllBytes(indexPath));
        Assert.True(_shard.Messages.Any(m => m.StartsWith("warning: ", StringComparison.Ordinal) && m.Contains($"segment {closed}:", StringComparison.Ordinal)), string.Join("\n", _shard.Messages));
        Assert.Equal(TestStream.Expected(0, 100, 0), await _shard.ReadFrom(log, 0, 3000));
        await _shard.Close(log);
    }

    [Fact]
    public async Task FullScanRecovery_PastADamagedOldSegment_QuarantinesInsteadOfDeleting()
    {
        var bases = await WriteSegments(Small());
        var damagedSegment = bases[1];
        var damagedPath = SegmentFileNames.Log(_shard.Directory, damagedSegment);
        var (position, header) = BatchesIn(damagedPath)[2];
        FlipRecordByte(damagedPath, position);
        var later = bases.Skip(2).ToDictionary(b => b, b => File.ReadAllBytes(SegmentFileNames.Log(_shard.Directory, b)));
        var damagedBytes = File.ReadAllBytes(damagedPath);

        // No checkpoint (as after a crash that also lost it): every segment is scanned.
        File.Delete(Path.Combine(_shard.Directory, SegmentFileNames.CheckpointFileName));
        var log = await _shard.Open(Small());

        // Served up to the damage; the log continues there.
        Assert.Equal(header.BaseOffset, log.LogEndOffset);
        var kept = BatchIndexOf(header.BaseOffset);
        Assert.Equal(TestStream.Expected(0, kept, 0), await _shard.ReadFrom(log, 0));

        // Nothing deleted: the damaged tail and every later segment are in quarantine, byte for byte.
        var quarantine = Assert.Single(Directory.GetDirectories(Path.Combine(_shard.Directory, "quarantine")));
        Assert.Equal(damagedBytes[(int)position..], File.ReadAllBytes(Path.Combine(quarantine, $"{Path.GetFileName(damagedPath)}.from-byte-{position}")));
        foreach (var (baseOffset, bytes) in later)
        {
            Assert.False(File.Exists(SegmentFileNames.Log(_shard.Directory, baseOffset)));
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(quarantine, Path.GetFileName(SegmentFileNames.Log(_shard.Directory, baseOffset)))));
            Assert.True(File.Exists(Path.Combine(quarantine, Path.GetFileName(SegmentFileNames.Index(_shard.Directory, baseOffset)))));
        }

        var error = Assert.Single(_shard.Messages, m => m.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains($"offsets from {header.BaseOffset} on are out of service", error, StringComparison.Ordinal);
        Assert.Contains(quarantine, error, StringComparison.Ordinal);
        Assert.DoesNotContain(_shard.Messages, m => m.Contains("deleting", StringComparison.Ordinal));

        var next = await _shard.Run(async () => await log.AppendAsync(TestStream.Batch(kept)));
        Assert.Equal(header.BaseOffset, next.BaseOffset);
        await _shard.Close(log);
    }

    [Fact]
    public async Task ScanOfTheLastSegment_PastADamagedBatchWithValidOnesAfterIt_QuarantinesTheTail()
    {
        var path = await AbandonOneSegment(40);
        var (position, header) = BatchesIn(path)[20];
        FlipRecordByte(path, position);
        var tail = File.ReadAllBytes(path)[(int)position..];

        // Abandoned (as after kill -9): the checkpoint is at open, so the whole segment is scanned.
        var log = await _shard.Open(ShardHarness.AbandonableOptions);

        Assert.Equal(header.BaseOffset, log.LogEndOffset);
        var quarantine = Assert.Single(Directory.GetDirectories(Path.Combine(_shard.Directory, "quarantine")));
        Assert.Equal(tail, File.ReadAllBytes(Path.Combine(quarantine, $"{Path.GetFileName(path)}.from-byte-{position}")));
        var error = Assert.Single(_shard.Messages, m => m.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains($"offsets from {header.BaseOffset} on are out of service", error, StringComparison.Ordinal);
        await _shard.Close(log);
    }

    [Fact]
    public async Task ScanOfTheLastSegment_PastATornBatch_QuarantinesNothing()
    {
        var path = await AbandonOneSegment(10);
        var (position, _) = BatchesIn(path)[9];
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            // The last write reached the disk only in part.
            file.Position = position + 80;
            file.Write(new byte[40]);
        }

        var log = await _shard.Open(ShardHarness.AbandonableOptions);

        Assert.Equal(TestStream.OffsetOf(9), log.LogEndOffset);
        Assert.False(Directory.Exists(Path.Combine(_shard.Directory, "quarantine")));
        Assert.DoesNotContain(_shard.Messages, m => m.StartsWith("error: ", StringComparison.Ordinal));
        await _shard.Close(log);
    }

    [Fact]
    public async Task Scrub_FindsAFlippedByteInAClosedSegment_AndReadsThereFail_WhileTheRestServes()
    {
        var bases = await WriteSegments(Small());
        var damagedPath = SegmentFileNames.Log(_shard.Directory, bases[1]);
        var batches = BatchesIn(damagedPath);
        var (position, header) = batches[2];
        FlipRecordByte(damagedPath, position);

        // The clean-shutdown checkpoint means nothing is scanned at open: only the scrub can find it.
        var metrics = new RecordingMetrics();
        var log = await _shard.Open(Small(new ScrubBudget(64 << 20), metrics));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await _shard.Run(() => ValueTask.FromResult(log.CorruptRanges.Count)) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var range = Assert.Single(log.CorruptRanges);
        Assert.Equal(new CorruptRange(bases[1], header.BaseOffset, header.LastOffset + 1, position, position + header.TotalSize), range);
        Assert.Equal(1, await _shard.Run(() => ValueTask.FromResult(metrics.CorruptBatches)));
        var error = Assert.Single(_shard.Messages, m => m.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains($"segment {bases[1]} fails its check at byte {position}", error, StringComparison.Ordinal);

        // At the corrupt batch (any of its offsets): an error, not the bytes.
        await Assert.ThrowsAsync<CorruptLogException>(() => _shard.Run(async () => (await log.ReadAsync(header.BaseOffset, 1 << 20)).Length));
        await Assert.ThrowsAsync<CorruptLogException>(() => _shard.Run(async () => (await log.ReadAsync(header.LastOffset, 1 << 20)).Length));

        // Before it, a read ends before it; after it, and in other segments, everything serves.
        var before = await _shard.Run(async () =>
        {
            using var result = await log.ReadAsync(batches[0].Header.BaseOffset, 1 << 20);
            return result.ToArray();
        });
        Assert.Equal(position, before.Length);
        var after = BatchIndexOf(header.LastOffset + 1);
        Assert.Equal(TestStream.Expected(after, 100 - after), await _shard.ReadFrom(log, header.LastOffset + 1));
        var firstSegment = await _shard.Run(async () =>
        {
            using var result = await log.ReadAsync(0, 1 << 20);
            return result.ToArray();
        });
        Assert.Equal(TestStream.Expected(0, BatchIndexOf(bases[1]), 0), firstSegment);

        // Other passes find nothing new and report nothing twice.
        var passes = log.ScrubPasses;
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (await _shard.Run(() => ValueTask.FromResult(log.ScrubPasses)) < passes + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Single(log.CorruptRanges);
        Assert.Equal(1, metrics.CorruptBatches);
        await _shard.Close(log);
    }
}

using System.Text;
using FastLog.Records;
using FastLog.Storage.Compaction;

namespace FastLog.Storage.Tests;

/// <summary>The log cleaner through a real shard: latest value per key at its original offset, tombstones, lag, compressed batches, producer state, crash-safe swap.</summary>
public sealed class CompactionTests : IDisposable
{
    private const long Now = 1_700_000_000_000;
    private readonly ShardHarness _shard = new();
    private long _clock = Now;

    public static TheoryData<CompressionCodec> AllCodecs => [.. Enum.GetValues<CompressionCodec>()];

    public void Dispose() => _shard.Dispose();

    private StorageOptions Options(CompactionOptions? compaction = null) => new()
    {
        SegmentBytes = 4096,
        TailCacheBytes = 0,
        Compaction = compaction ?? new CompactionOptions { Backoff = TimeSpan.FromHours(1) },
        UnixTimeMs = () => Interlocked.Read(ref _clock),
        RetentionCheckInterval = TimeSpan.FromHours(1),
        CheckpointInterval = TimeSpan.FromHours(1),
    };

    private static byte[] Batch(CompressionCodec codec, params (string Key, string? Value)[] records)
    {
        var list = records.Select(r => new KeyValueRecord(Encoding.UTF8.GetBytes(r.Key), r.Value is null ? null : Encoding.UTF8.GetBytes(r.Value),
            Headers: [new RecordHeader("h", Encoding.UTF8.GetBytes(r.Key))])).ToList();
        var builder = new RecordBatchBuilder { FirstTimestamp = Now };
        if (codec == CompressionCodec.None)
        {
            return builder.Build(list);
        }

        var plain = builder.Build(list);
        return builder.BuildPassthrough(RecordCompression.Compress(codec, plain.AsSpan(RecordBatchHeader.Size)), list.Count, codec);
    }

    /// <summary>Appends key k{i % keys} = v{i} for i in [0, count), one record per batch, then rolls so everything is closed.</summary>
    private async Task<PartitionLog> Fill(int count, int keys, CompressionCodec codec = CompressionCodec.None, CompactionOptions? compaction = null)
    {
        var log = await _shard.Open(Options(compaction));
        await _shard.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await log.AppendAsync(Batch(codec, ($"k{i % keys}", $"v{i}")));
            }
        });
        return log;
    }

    /// <summary>Every record readable from the log start: (offset, key, value), decoded whatever the codec.</summary>
    private async Task<List<(long Offset, string Key, string? Value)>> ReadAll(PartitionLog log)
    {
        var bytes = await _shard.ReadFrom(log, log.LogStartOffset);
        var records = new List<(long, string, string?)>();
        for (var at = 0; at < bytes.Length;)
        {
            var header = RecordBatchHeader.Read(bytes.AsSpan(at));
            var batch = RecordBatchRecords.Read(bytes.AsSpan(at, header.TotalSize), 1 << 24)!;
            foreach (var r in batch.Records)
            {
                var body = batch.Body.Span;
                records.Add((header.BaseOffset + r.OffsetDelta, Encoding.UTF8.GetString(body.Slice(r.KeyStart, r.KeyLength)),
                    r.IsTombstone ? null : Encoding.UTF8.GetString(body.Slice(r.ValueStart, r.ValueLength))));
            }

            at += header.TotalSize;
        }

        return records;
    }

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public async Task Cleaning_KeepsTheLatestValueOfEveryKey_AtItsOriginalOffset(CompressionCodec codec)
    {
        var log = await Fill(200, 10, codec);
        var activeBase = log.ActiveSegmentBaseOffset;

        Assert.True(await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync())));

        var records = await ReadAll(log);
        var closed = records.Where(r => r.Offset < activeBase).ToList();
        foreach (var key in closed.Select(r => r.Key).Distinct())
        {
            var last = Enumerable.Range(0, 200).Last(i => $"k{i % 10}" == key && i < activeBase);
            Assert.Equal((long)last, Assert.Single(closed, r => r.Key == key).Offset);
            Assert.Equal($"v{last}", closed.Single(r => r.Key == key).Value);
        }

        Assert.Equal(Enumerable.Range((int)activeBase, 200 - (int)activeBase).Select(i => (long)i), records.Where(r => r.Offset >= activeBase).Select(r => r.Offset));
        Assert.True(log.CleanerRecordsRemoved > 0);
        Assert.Equal(1, log.CleanerRuns);

        // Reopened: the cleaned segments are trusted, indexes intact, same content.
        await _shard.Close(log);
        var reopened = await _shard.Open(Options());
        Assert.Equal(records, await ReadAll(reopened));
        await _shard.Close(reopened);
    }

    [Fact]
    public async Task Changelog_OfAMillionUpdatesOverTenThousandKeys_ShrinksToTenThousandRecords()
    {
        var log = await _shard.Open(Options() with { SegmentBytes = 1 << 20, Durability = DurabilityMode.Interval, SegmentAge = TimeSpan.FromHours(1) });
        var value = new byte[8];
        await _shard.Run(async () =>
        {
            for (var batch = 0; batch < 1_000; batch++)
            {
                var records = new List<KeyValueRecord>(1_000);
                for (var i = 0; i < 1_000; i++)
                {
                    records.Add(new KeyValueRecord(BitConverter.GetBytes((batch * 1_000 + i) % 10_000), value));
                }

                await log.AppendAsync(new RecordBatchBuilder { FirstTimestamp = Now }.Build(records));
            }

            // An hour later (segment.ms): rolls, so every update is in a closed, cleanable segment.
            await log.AppendAsync(new RecordBatchBuilder { FirstTimestamp = Now + 3_600_001 }.Build([new KeyValueRecord([1], value)]));
        });
        var before = log.SizeBytes;

        Assert.True(await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync())));

        var records = await ReadAll(log);
        Assert.Equal(10_001, records.Count);
        Assert.Equal(Enumerable.Range(990_000, 10_000).Select(i => (long)i), records.Take(10_000).Select(r => r.Offset));
        Assert.Equal(1_000_000 - 10_000, log.CleanerRecordsRemoved);
        Assert.True(log.SizeBytes < before / 50, $"{before} -> {log.SizeBytes} bytes");
        await _shard.Close(log);
    }

    [Fact]
    public async Task Tombstones_StayForDeleteRetention_ThenGo()
    {
        var log = await _shard.Open(Options());
        async Task Append(int from, int count, string prefix) => await _shard.Run(async () =>
        {
            for (var i = from; i < from + count; i++)
            {
                // k0's last write (offset 57) is a tombstone.
                await log.AppendAsync(Batch(CompressionCodec.None, ($"{prefix}{i % 3}", i == 57 ? null : $"v{i}")));
            }
        });
        await Append(0, 60, "k");
        await Append(60, 60, "x");

        Assert.True(await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync())));
        Assert.Contains(await ReadAll(log), r => r.Key == "k0" && r.Value is null && r.Offset == 57);

        // A later pass within delete.retention.ms (1 day) of the first: kept.
        Interlocked.Add(ref _clock, 3_600_000);
        await Append(120, 60, "y");
        Assert.True(await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync())));
        Assert.Contains(await ReadAll(log), r => r.Key == "k0" && r.Value is null);

        // A day after the first pass reached it: gone, and nothing older of k0 comes back.
        Interlocked.Add(ref _clock, 86_400_000);
        await Append(180, 60, "z");
        Assert.True(await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync())));
        var after = await ReadAll(log);
        Assert.DoesNotContain(after, r => r.Key == "k0");
        Assert.Contains(after, r => r.Key == "k1");
        await _shard.Close(log);
    }

    [Fact]
    public async Task CompactOnly_IsNeverDeletedByAge_CompactDelete_Is()
    {
        var log = await Fill(100, 100);
        Interlocked.Add(ref _clock, 30L * 86_400_000);
        await _shard.Run(async () => await log.EnforceRetentionAsync());
        Assert.Equal(0, log.LogStartOffset);
        await _shard.Run(async () => await log.CloseAsync());

        var both = await _shard.Open(Options(new CompactionOptions { AlsoDelete = true, Backoff = TimeSpan.FromHours(1) }) with { RetentionAge = TimeSpan.FromDays(7) });
        await _shard.Run(async () => await both.EnforceRetentionAsync());
        Assert.True(both.LogStartOffset > 0);
        await _shard.Close(both);
    }

    [Fact]
    public async Task NullKey_IsRefusedOnACompactedTopic()
    {
        var log = await _shard.Open(Options());
        var keyless = new RecordBatchBuilder { FirstTimestamp = Now }.Build([new KeyValueRecord(null, [1])]);
        var error = await Assert.ThrowsAsync<InvalidRecordBatchException>(() => _shard.Run(async () => await log.AppendAsync(keyless)));
        Assert.Equal(RecordBatchError.NullKeyInCompactedTopic, error.Validation.Error);
        Assert.Equal(RecordBatchErrorKind.InvalidRecord, error.Validation.Error.Kind());
        await _shard.Close(log);
    }

    [Fact]
    public async Task ProducersLastBatch_SurvivesAsAnEmptyBatch_AndProducerStateIsRebuilt()
    {
        var log = await _shard.Open(Options());
        await _shard.Run(async () =>
        {
            var idempotent = new RecordBatchBuilder { FirstTimestamp = Now, ProducerId = 7, ProducerEpoch = 0, BaseSequence = 0 }
                .Build([new KeyValueRecord("k"u8.ToArray(), "old"u8.ToArray())]);
            var check = log.Producers.Check(7, 0, 0, 1, out var entry);
            var appended = await log.AppendAsync(idempotent);
            Producers.ProducerStateTable.Complete(entry!, appended.BaseOffset, appended.LastOffset);
            for (var i = 0; i < 100; i++)
            {
                await log.AppendAsync(Batch(CompressionCodec.None, ("k", $"v{i}")));
            }
        });

        await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync()));
        var bytes = await _shard.ReadFrom(log, 0);
        var first = RecordBatchHeader.Read(bytes);
        Assert.Equal(0, first.BaseOffset);
        Assert.Equal(7, first.ProducerId);
        Assert.Equal(0, first.RecordCount);
        Assert.Equal(RecordBatchError.None, RecordBatchHeader.CheckStructure(bytes, out _));
        Assert.DoesNotContain(await ReadAll(log), r => r.Value == "old");
        await _shard.Close(log);
    }

    [Fact]
    public async Task MinCompactionLag_KeepsRecentSegmentsDirty()
    {
        var log = await Fill(100, 5, compaction: new CompactionOptions { MinCompactionLag = TimeSpan.FromHours(1), Backoff = TimeSpan.FromHours(1) });
        Assert.False(await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync())));
        Interlocked.Add(ref _clock, 2 * 3_600_000);
        Assert.True(await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync())));
        await _shard.Close(log);
    }

    [Fact]
    public async Task SmallOffsetMap_CleansInSeveralPasses()
    {
        var log = await Fill(300, 150, compaction: new CompactionOptions { OffsetMapBytes = 24 * 60, Backoff = TimeSpan.FromHours(1) });
        Assert.True(await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync())));
        var firstEnd = log.FirstDirtyOffset;
        Assert.InRange(firstEnd, 1, log.ActiveSegmentBaseOffset - 1);
        while (await _shard.Run(() => new ValueTask<bool>(log.CompactNowAsync())))
        {
        }

        Assert.Equal(log.ActiveSegmentBaseOffset, log.FirstDirtyOffset);
        var records = await ReadAll(log);
        Assert.Equal(records.Count, records.Select(r => r.Offset).Distinct().Count());
        await _shard.Close(log);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task CrashAtEverySwapStep_IsRecoveredAtOpen_WithNothingLost(int stopAfter)
    {
        var log = await Fill(100, 10);
        var before = await ReadAll(log);
        await _shard.Close(log);

        // Prepare a cleaned copy of the first segment by cleaning a copy of the directory.
        var copy = _shard.Directory + "-copy";
        CopyDirectory(_shard.Directory, copy);
        var cleanedLog = await _shard.Run(() => PartitionLog.OpenAsync(copy, Options()));
        await _shard.Run(() => new ValueTask<bool>(cleanedLog.CompactNowAsync()));
        var cleaned = await ReadAll(cleanedLog);
        await _shard.Close(cleanedLog);
        foreach (var file in new[] { SegmentFileNames.Log(copy, 0), SegmentFileNames.Index(copy, 0), SegmentFileNames.TimeIndex(copy, 0) })
        {
            File.Copy(file, Path.Combine(_shard.Directory, Path.GetFileName(file)) + CleanerSwap.CleanedSuffix);
        }

        Directory.Delete(copy, recursive: true);
        if (stopAfter > 0)
        {
            Assert.Throws<IOException>(() => CleanerSwap.Commit(_shard.Directory, 0, stopAfter));
        }

        var reopened = await _shard.Open(Options());
        var after = await ReadAll(reopened);
        var segmentEnd = SegmentFileNames.SegmentBaseOffsets(Directory.EnumerateFiles(_shard.Directory))[1];
        var expected = stopAfter >= 3
            ? cleaned.Where(r => r.Offset < segmentEnd).Concat(before.Where(r => r.Offset >= segmentEnd)).ToList()
            : before;
        Assert.Equal(expected, after);
        Assert.Empty(Directory.EnumerateFiles(_shard.Directory, "*" + CleanerSwap.SwapSuffix));
        Assert.Empty(Directory.EnumerateFiles(_shard.Directory, "*" + CleanerSwap.CleanedSuffix));
        await _shard.Close(reopened);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}

using System.Text.Json;
using FastLog.Storage.Producers;

namespace FastLog.Storage.Tests;

/// <summary>
/// The idempotent-producer state a log keeps: rebuilt by OpenAsync (snapshot, then replay of the
/// batches after it), snapshotted by a clean CloseAsync, in the file format the broker always wrote.
/// </summary>
public sealed class ProducerStateTests : IDisposable
{
    private const long ProducerId = 4000;
    private const short ProducerEpoch = 3;
    private readonly ShardHarness _shard = new();

    // Small segments: replay crosses segment boundaries.
    private readonly StorageOptions _options = ShardHarness.AbandonableOptions with { SegmentBytes = 4096 };

    public void Dispose() => _shard.Dispose();

    private string SnapshotPath => Path.Combine(_shard.Directory, ProducerStateSnapshot.FileName);

    /// <summary>Batch i of the producer: 2 records, sequences 2i and 2i + 1, about 1 KiB.</summary>
    private static byte[] Batch(int i) =>
        TestBatches.Create(recordCount: 2, recordsBytes: 1000, producerId: ProducerId, producerEpoch: ProducerEpoch, baseSequence: 2 * i, seed: i);

    /// <summary>
    /// Appends the producer's batches [from, from + count) as the broker's produce path does (check,
    /// append, complete), each after a batch without a producer id (not tracked).
    /// </summary>
    private Task Append(PartitionLog log, int from, int count) => _shard.Run(async () =>
    {
        for (var i = from; i < from + count; i++)
        {
            await log.AppendAsync(TestBatches.Create(seed: 1000 + i));
            Assert.Equal(ProducerBatchCheck.Accept, log.Producers.Check(ProducerId, ProducerEpoch, 2 * i, 2, out var reservation));
            var appended = await log.AppendAsync(Batch(i));
            ProducerStateTable.Complete(reservation!, appended.BaseOffset, appended.LastOffset);
        }
    });

    /// <summary>
    /// The state after the producer's batches [0, count): its last 5 batches, where batch i went to
    /// offset 3i + 1 (each follows a one-record batch).
    /// </summary>
    private static void AssertRemembers(PartitionLog log, int count)
    {
        var producer = Assert.Single(log.Producers.Snapshot());
        Assert.Equal(ProducerId, producer.ProducerId);
        Assert.Equal(ProducerEpoch, producer.Epoch);
        var expected = Enumerable.Range(Math.Max(0, count - ProducerStateTable.RememberedBatches), Math.Min(count, ProducerStateTable.RememberedBatches))
            .Select(i => new ProducerStateTable.BatchSnapshot(2 * i, (2 * i) + 1, (3 * i) + 1, (3 * i) + 2));
        Assert.Equal(expected, producer.Batches);
    }

    [Fact]
    public async Task CleanClose_WritesTheSnapshot_AndOpenRestoresIt()
    {
        var log = await _shard.Open(_options);
        await Append(log, 0, 8);
        await _shard.Close(log);

        using (var json = JsonDocument.Parse(File.ReadAllBytes(SnapshotPath)))
        {
            Assert.Equal(24, json.RootElement.GetProperty("EndOffset").GetInt64());
        }

        log = await _shard.Open(_options);
        AssertRemembers(log, 8);
        await _shard.Run(() =>
        {
            // A retry is answered with its original offsets; the next batch is accepted.
            Assert.Equal(ProducerBatchCheck.Duplicate, log.Producers.Check(ProducerId, ProducerEpoch, 12, 2, out var original));
            Assert.Equal(19, original!.BaseOffset);
            Assert.Equal(ProducerBatchCheck.Accept, log.Producers.Check(ProducerId, ProducerEpoch, 16, 2, out _));
            return ValueTask.CompletedTask;
        });
        await _shard.Close(log);
    }

    [Fact]
    public async Task UncleanStop_WithoutSnapshot_ReplaysTheActiveSegment()
    {
        var abandoned = await _shard.Open(_options);
        await Append(abandoned, 0, 8);
        var activeBase = abandoned.ActiveSegmentBaseOffset;

        var log = await _shard.Open(_options);

        Assert.False(File.Exists(SnapshotPath));
        Assert.True(activeBase > 0, "the test wants several segments");

        // Only the active segment is replayed: batches from its base on.
        var producer = Assert.Single(log.Producers.Snapshot());
        Assert.All(producer.Batches, b => Assert.True(b.BaseOffset >= activeBase));
        Assert.Equal(new ProducerStateTable.BatchSnapshot(14, 15, 22, 23), producer.Batches[^1]);
        await _shard.Close(log);
    }

    [Fact]
    public async Task UncleanStop_AfterASnapshot_ReplaysEverySegmentFromTheSnapshotEnd()
    {
        var log = await _shard.Open(_options);
        await Append(log, 0, 2);
        await _shard.Close(log);
        var abandoned = await _shard.Open(_options);
        await Append(abandoned, 2, 9);
        Assert.True(abandoned.SegmentCount > 2, "the replay should cross segments");

        log = await _shard.Open(_options);

        AssertRemembers(log, 11);
        await _shard.Close(log);
    }

    [Fact]
    public async Task SnapshotFile_InTheBrokersFormat_IsLoaded_AndOnlyLaterBatchesReplayed()
    {
        var log = await _shard.Open(_options);
        await Append(log, 0, 2);
        await _shard.Close(log);

        // As the broker wrote it before the state moved into storage. Its producers stand for the
        // log below offset 3; the producer's batch 1 (offsets 4-5) comes after and is replayed.
        File.WriteAllText(SnapshotPath, """
            {"EndOffset":3,"Producers":[{"ProducerId":77,"Epoch":1,"Batches":[{"FirstSequence":0,"LastSequence":4,"BaseOffset":0,"LastOffset":4}]}]}
            """);

        log = await _shard.Open(_options);

        var producers = log.Producers.Snapshot().ToDictionary(p => p.ProducerId);
        Assert.Equal(2, producers.Count);
        Assert.Equal(1, producers[77].Epoch);
        Assert.Equal([new ProducerStateTable.BatchSnapshot(0, 4, 0, 4)], producers[77].Batches);
        Assert.Equal([new ProducerStateTable.BatchSnapshot(2, 3, 4, 5)], producers[ProducerId].Batches);
        await _shard.Close(log);
    }
}

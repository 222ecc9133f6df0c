using FastLog.Records;
using FastLog.Storage.Index;
using FastLog.Storage.Recovery;

namespace FastLog.Storage.Tests;

public sealed class LogScannerTests
{
    [Fact]
    public void Scan_CleanLogFollowedByZeroFill_StopsAtTheLogicalEnd()
    {
        var (log, _) = TestBatches.Log(20, baseOffset: 100);
        var file = log.Concat(new byte[8192]).ToArray();

        var scanner = new LogScanner(0, 100, null);
        var consumed = scanner.Scan(file, file.Length);

        Assert.Equal(ScanStop.ZeroFill, scanner.Stop);
        Assert.Equal(log.Length, consumed);
        Assert.Equal(log.Length, scanner.Position);
        Assert.Equal(160, scanner.NextOffset);
        Assert.Equal(20, scanner.Batches);
    }

    [Fact]
    public void Scan_ExactEndOfData_IsEndOfData()
    {
        var (log, _) = TestBatches.Log(3);

        var scanner = new LogScanner(0, 0, null);
        scanner.Scan(log, log.Length);

        Assert.Equal(ScanStop.EndOfData, scanner.Stop);
        Assert.Equal(log.Length, scanner.Position);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    [InlineData(30)]
    [InlineData(100)]
    public void Scan_TornLastBatch_TruncatesBeforeIt(int cut)
    {
        var (log, positions) = TestBatches.Log(10);
        var torn = log.AsSpan(0, log.Length - cut).ToArray();

        var scanner = new LogScanner(0, 0, null);
        scanner.Scan(torn, torn.Length);

        Assert.Equal(ScanStop.Torn, scanner.Stop);
        Assert.Equal(positions[9], scanner.Position);
        Assert.Equal(27, scanner.NextOffset);
    }

    [Fact]
    public void Scan_TornWriteIntoPreallocatedSpace_IsCaughtByTheCrc()
    {
        // A batch whose last block never reached the disk reads back as zeros, not as a short file.
        var (log, positions) = TestBatches.Log(10);
        log.AsSpan(log.Length - 50).Clear();
        var file = log.Concat(new byte[4096]).ToArray();

        var scanner = new LogScanner(0, 0, null);
        scanner.Scan(file, file.Length);

        Assert.Equal(ScanStop.Corrupt, scanner.Stop);
        Assert.Equal(RecordBatchError.CrcMismatch, scanner.StopError);
        Assert.Equal(positions[9], scanner.Position);
    }

    [Fact]
    public void Scan_CorruptBatchInTheMiddle_TruncatesAtIt()
    {
        var (log, positions) = TestBatches.Log(10);
        log[positions[4] + 70] ^= 0xFF;

        var scanner = new LogScanner(0, 0, null);
        scanner.Scan(log, log.Length);

        Assert.Equal(ScanStop.Corrupt, scanner.Stop);
        Assert.Equal(positions[4], scanner.Position);
        Assert.Equal(12, scanner.NextOffset);
        Assert.Equal(4, scanner.Batches);
    }

    [Fact]
    public void Scan_GarbageLength_IsCorruptNotAHugeRead()
    {
        var (log, positions) = TestBatches.Log(3);
        log.AsSpan(positions[2] + 8, 4).Fill(0x7F); // Length ~2 GiB, far past the data
        log[positions[2] + 16] = 0x55;        // and no magic 2: not a batch header at all

        var scanner = new LogScanner(0, 0, null);
        scanner.Scan(log, log.Length);

        Assert.Equal(ScanStop.Corrupt, scanner.Stop);
        Assert.Equal(positions[2], scanner.Position);
    }

    [Fact]
    public void Scan_StaleBatchWithWrongOffset_StopsThere()
    {
        var (log, positions) = TestBatches.Log(5);
        var stale = TestBatches.Create(baseOffset: 3, recordCount: 3);
        var file = log.AsSpan(0, positions[2]).ToArray().Concat(stale).ToArray();

        var scanner = new LogScanner(0, 0, null);
        scanner.Scan(file, file.Length);

        Assert.Equal(ScanStop.OffsetMismatch, scanner.Stop);
        Assert.Equal(positions[2], scanner.Position);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(300)]
    [InlineData(4096)]
    public void Scan_FedInSmallChunks_MatchesOneShotScan_AndRebuildsTheSameIndexes(int chunkSize)
    {
        var (log, _) = TestBatches.Log(50, baseOffset: 1000);
        var file = log.Concat(new byte[777]).ToArray();
        var oneShotIndexer = new SegmentIndexer(1000, 1024);
        var oneShot = new LogScanner(0, 1000, oneShotIndexer);
        oneShot.Scan(file, file.Length);

        var chunkedIndexer = new SegmentIndexer(1000, 1024);
        var chunked = new LogScanner(0, 1000, chunkedIndexer);
        while (chunked.Stop == ScanStop.None)
        {
            var start = (int)chunked.Position;
            var length = Math.Min(Math.Max(chunkSize, chunked.NeededBytes), file.Length - start);
            chunked.Scan(file.AsSpan(start, length), file.Length - start);
        }

        Assert.Equal(ScanStop.ZeroFill, chunked.Stop);
        Assert.Equal(oneShot.Position, chunked.Position);
        Assert.Equal(oneShot.NextOffset, chunked.NextOffset);
        Assert.Equal(oneShotIndexer.Offsets.Entries.ToArray(), chunkedIndexer.Offsets.Entries.ToArray());
        Assert.Equal(oneShotIndexer.Times.Entries.ToArray(), chunkedIndexer.Times.Entries.ToArray());
        Assert.True(oneShotIndexer.Offsets.Count > 5);
    }

    [Fact]
    public void Scan_ResumingAtACheckpointPosition_ContinuesTheLog()
    {
        var (log, positions) = TestBatches.Log(10);

        var scanner = new LogScanner(positions[6], 18, null);
        scanner.Scan(log.AsSpan(positions[6]), log.Length - positions[6]);

        Assert.Equal(ScanStop.EndOfData, scanner.Stop);
        Assert.Equal(log.Length, scanner.Position);
        Assert.Equal(30, scanner.NextOffset);
        Assert.Equal(4, scanner.Batches);
    }
}

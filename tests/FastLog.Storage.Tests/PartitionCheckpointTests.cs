using FastLog.Storage.Index;
using FastLog.Storage.Recovery;

namespace FastLog.Storage.Tests;

public sealed class PartitionCheckpointTests
{
    private static PartitionCheckpoint Sample(long sequence, bool clean = false) =>
        new(sequence, clean, LogStartOffset: 10, SegmentBaseOffset: 500, SegmentPosition: 123_456, NextOffset: 999,
            new IndexerState(30, 12, 1_700_000_000_123, 990, 777));

    [Fact]
    public void Write_ThenReadLatest_RoundTrips()
    {
        var file = new byte[PartitionCheckpoint.FileSize];
        var checkpoint = Sample(7, clean: true);
        checkpoint.Write(file.AsSpan((int)checkpoint.SlotOffset, PartitionCheckpoint.SlotSize));

        Assert.Equal(checkpoint, PartitionCheckpoint.ReadLatest(file));
    }

    [Fact]
    public void Slots_Alternate_AndTheHigherSequenceWins()
    {
        var file = new byte[PartitionCheckpoint.FileSize];
        foreach (var sequence in new long[] { 1, 2, 3 })
        {
            var checkpoint = Sample(sequence);
            checkpoint.Write(file.AsSpan((int)checkpoint.SlotOffset, PartitionCheckpoint.SlotSize));
        }

        Assert.Equal(3, PartitionCheckpoint.ReadLatest(file)?.Sequence);
        Assert.Equal(4096, Sample(3).SlotOffset);
        Assert.Equal(0, Sample(2).SlotOffset);
    }

    [Fact]
    public void TornNewestSlot_FallsBackToThePreviousOne()
    {
        var file = new byte[PartitionCheckpoint.FileSize];
        Sample(4).Write(file.AsSpan(0, PartitionCheckpoint.SlotSize));
        Sample(5).Write(file.AsSpan(PartitionCheckpoint.SlotSize, PartitionCheckpoint.SlotSize));
        file[PartitionCheckpoint.SlotSize + 33] ^= 1;

        Assert.Equal(Sample(4), PartitionCheckpoint.ReadLatest(file));
    }

    [Fact]
    public void HighWatermark_RoundTrips_AndWithoutItTheSlotIsTheFirstFormat()
    {
        var withHighWatermark = Sample(7) with { HighWatermark = 950 };
        var slot = new byte[PartitionCheckpoint.SlotSize];
        withHighWatermark.Write(slot);
        Assert.Equal(withHighWatermark, PartitionCheckpoint.ReadLatest(slot));

        // Written without it, a slot is byte for byte what builds before the field wrote: flags bit 1
        // clear and nothing after the first CRC.
        Sample(7).Write(slot);
        Assert.Equal(0, slot[7] & 2);
        Assert.True(slot.AsSpan(80).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(PartitionCheckpoint.NoHighWatermark, PartitionCheckpoint.ReadLatest(slot)?.HighWatermark);
    }

    [Fact]
    public void DamagedHighWatermark_InvalidatesItsSlot()
    {
        var file = new byte[PartitionCheckpoint.FileSize];
        (Sample(4) with { HighWatermark = 900 }).Write(file.AsSpan(0, PartitionCheckpoint.SlotSize));
        (Sample(5) with { HighWatermark = 950 }).Write(file.AsSpan(PartitionCheckpoint.SlotSize, PartitionCheckpoint.SlotSize));
        file[PartitionCheckpoint.SlotSize + 85] ^= 1;

        Assert.Equal(900, PartitionCheckpoint.ReadLatest(file)?.HighWatermark);
    }

    [Fact]
    public void NoValidSlot_IsNull()
    {
        Assert.Null(PartitionCheckpoint.ReadLatest(new byte[PartitionCheckpoint.FileSize]));
        Assert.Null(PartitionCheckpoint.ReadLatest([]));
    }
}

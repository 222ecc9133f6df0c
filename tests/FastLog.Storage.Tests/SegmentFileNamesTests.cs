namespace FastLog.Storage.Tests;

public sealed class SegmentFileNamesTests
{
    [Fact]
    public void Names_Are20DigitZeroPaddedBaseOffsets()
    {
        Assert.Equal("00000000000000000000", SegmentFileNames.Stem(0));
        Assert.Equal(Path.Combine("d", "00000000000000012345.log"), SegmentFileNames.Log("d", 12345));
        Assert.Equal(Path.Combine("d", "00000000000000012345.index"), SegmentFileNames.Index("d", 12345));
        Assert.Equal(Path.Combine("d", "09223372036854775807.timeindex"), SegmentFileNames.TimeIndex("d", long.MaxValue));
    }

    [Fact]
    public void SegmentBaseOffsets_ParsesLogFilesOnly_Sorted()
    {
        var names = new[]
        {
            "/x/00000000000000000300.log",
            "00000000000000000000.log",
            "00000000000000000300.index",
            "00000000000000000100.timeindex",
            "0000000000000000100.log",   // 19 digits
            "0000000000000000010a.log",
            "partition.checkpoint",
            "00000000000000000200.log",
        };

        Assert.Equal(new long[] { 0, 200, 300 }, SegmentFileNames.SegmentBaseOffsets(names));
    }
}

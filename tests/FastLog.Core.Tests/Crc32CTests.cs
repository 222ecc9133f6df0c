using System.Buffers.Binary;
using System.Text;

namespace FastLog.Core.Tests;

public sealed class Crc32CTests
{
    [Theory]
    // Standard check value of CRC-32C (iSCSI polynomial 0x1EDC6F41).
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    public void Compute_MatchesKnownVectors(string input, uint expected)
    {
        Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(input)));
    }

    [Fact]
    public void Compute_Of32Zeros_MatchesRfc3720Vector()
    {
        // RFC 3720 (iSCSI) B.4: 32 bytes of zeros -> 0x8A9136AA.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
    }

    [Fact]
    public void Matches_ReadsStoredValueBigEndian()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        var stored = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(stored, 0xE3069283u);
        Assert.True(Crc32C.Matches(stored, data));
        stored[3] ^= 1;
        Assert.False(Crc32C.Matches(stored, data));
    }
}

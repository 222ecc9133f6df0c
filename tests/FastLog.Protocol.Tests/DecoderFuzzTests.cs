namespace FastLog.Protocol.Tests;

/// <summary>
/// Throws random and mutated frames at <see cref="RequestFrame.Decode"/> (fixed seeds, so runs
/// are reproducible): every outcome must be a decoded frame or a <see cref="ProtocolException"/>,
/// and the bytes allocated per decode must stay within a constant factor of the frame size.
/// </summary>
public sealed class DecoderFuzzTests
{
    // Per decode: the header and a few objects, plus a bounded amount per input byte.
    private const long AllocationBase = 16 * 1024;
    private const long AllocationPerByte = 32;

    [Fact]
    public void RandomFrames_DecodeOrThrowProtocolException()
    {
        var random = new Random(20260101);
        for (var i = 0; i < 20_000; i++)
        {
            var frame = new byte[random.Next(0, 256)];
            random.NextBytes(frame);
            if (frame.Length >= 4 && random.Next(2) == 0)
            {
                // Aim at real APIs and versions so the body decoders get exercised, not just the header.
                var api = SupportedApis.All[random.Next(SupportedApis.All.Count)];
                System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(frame, (short)api.ApiKey);
                System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(2), (short)random.Next(api.MinVersion, api.MaxVersion + 1));
            }

            AssertDecodesSafely(frame);
        }
    }

    [Fact]
    public void MutatedValidFrames_DecodeOrThrowProtocolException()
    {
        var random = new Random(424242);
        var seeds = ValidFrames().ToList();
        for (var i = 0; i < 30_000; i++)
        {
            var frame = Mutate(seeds[random.Next(seeds.Count)], random);
            AssertDecodesSafely(frame);
        }
    }

    [Fact]
    public void HugeClaimedLengths_FailWithoutAllocatingThem()
    {
        // Produce v3 whose topic array claims int.MaxValue elements and whose records claim 1 GiB.
        using var writer = new KafkaWriter();
        new RequestHeader { ApiKey = ApiKey.Produce, ApiVersion = 3, CorrelationId = 1 }.Write(writer);
        writer.WriteNullableString(null, compact: false);
        writer.WriteInt16(1);
        writer.WriteInt32(1000);
        writer.WriteInt32(int.MaxValue);
        var arrayBomb = writer.WrittenSpan.ToArray();
        AssertThrowsWithinBudget(arrayBomb);

        writer.Reset();
        new RequestHeader { ApiKey = ApiKey.Produce, ApiVersion = 3, CorrelationId = 1 }.Write(writer);
        writer.WriteNullableString(null, compact: false);
        writer.WriteInt16(1);
        writer.WriteInt32(1000);
        writer.WriteInt32(1);
        writer.WriteString("t", compact: false);
        writer.WriteInt32(1);
        writer.WriteInt32(0);
        writer.WriteInt32(1 << 30);
        AssertThrowsWithinBudget(writer.WrittenSpan.ToArray());
    }

    private static void AssertThrowsWithinBudget(byte[] frame)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolException>(() => RequestFrame.Decode(frame));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, AllocationBase);
    }

    private static void AssertDecodesSafely(byte[] frame)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            RequestFrame.Decode(frame);
        }
        catch (ProtocolException)
        {
            // The one expected failure: the broker closes the connection.
        }
        catch (Exception e)
        {
            Assert.Fail($"{e.GetType().Name} for frame {Convert.ToHexString(frame)}: {e.Message}");
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= AllocationBase + AllocationPerByte * frame.Length,
            $"{allocated} bytes allocated decoding {frame.Length} bytes: {Convert.ToHexString(frame)}");
    }

    private static IEnumerable<byte[]> ValidFrames()
    {
        foreach (var api in SupportedApis.All)
        {
            for (var v = api.MinVersion; v <= api.MaxVersion; v++)
            {
                using var writer = new KafkaWriter();
                new RequestHeader { ApiKey = api.ApiKey, ApiVersion = v, CorrelationId = v, ClientId = "fuzz" }.Write(writer);
                new MessageFiller(seed: v).Fill(api.CreateRequest()).Write(writer, v);
                yield return writer.WrittenSpan.ToArray();
            }
        }
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var frame = (byte[])source.Clone();
        switch (random.Next(5))
        {
            case 0:
                // Flip a few bytes.
                for (var n = random.Next(1, 4); n > 0; n--)
                    frame[random.Next(frame.Length)] ^= (byte)random.Next(1, 256);
                return frame;
            case 1:
                // Truncate.
                return frame[..random.Next(frame.Length)];
            case 2:
                // Plant an extreme length (int16/int32 -1, -2, max, or a 5-byte uvarint) at a random spot.
                byte[][] bombs = [[0xFF, 0xFF], [0xFF, 0xFE], [0x7F, 0xFF, 0xFF, 0xFF], [0x80, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]];
                var bomb = bombs[random.Next(bombs.Length)];
                var at = random.Next(Math.Max(1, frame.Length - bomb.Length));
                bomb.AsSpan(0, Math.Min(bomb.Length, frame.Length - at)).CopyTo(frame.AsSpan(at));
                return frame;
            case 3:
                // Insert random bytes.
                var insert = new byte[random.Next(1, 8)];
                random.NextBytes(insert);
                var position = random.Next(frame.Length);
                return [.. frame[..position], .. insert, .. frame[position..]];
            default:
                // Drop a range.
                var start = random.Next(frame.Length);
                var end = Math.Min(frame.Length, start + random.Next(1, 8));
                return [.. frame[..start], .. frame[end..]];
        }
    }
}

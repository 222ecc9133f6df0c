using FastLog.Core.Interop;

namespace FastLog.Core.Tests;

public sealed class SpscRingTests
{
    [Fact]
    public void TwoPinnedThreads_LongRunWithWrapAround_NothingLostDuplicatedOrReordered()
    {
        const long Count = 2_000_000; // ~30,000 wraps of a 64-slot ring
        var ring = new SpscRing<long>(64);
        int[] cpus = CpuAffinity.GetAllowedCpus();
        long received = 0;
        long firstMismatch = -1;

        var consumer = new Thread(() =>
        {
            CpuAffinity.PinCurrentThread(cpus[cpus.Length > 1 ? 1 : 0]);
            Span<long> batch = stackalloc long[32];
            long expected = 0;
            while (expected < Count)
            {
                int n = ring.Drain(batch);
                for (int i = 0; i < n; i++, expected++)
                {
                    if (batch[i] != expected && firstMismatch < 0)
                    {
                        firstMismatch = expected;
                    }
                }

                if (n == 0)
                {
                    Thread.SpinWait(10);
                }
            }

            received = expected;
        });
        var producer = new Thread(() =>
        {
            CpuAffinity.PinCurrentThread(cpus[0]);
            for (long i = 0; i < Count; i++)
            {
                while (!ring.TryEnqueue(i))
                {
                    Thread.SpinWait(10);
                }
            }
        });

        consumer.Start();
        producer.Start();
        Assert.True(producer.Join(TestShards.Timeout));
        Assert.True(consumer.Join(TestShards.Timeout));

        Assert.Equal(-1, firstMismatch);
        Assert.Equal(Count, received);
        Assert.True(ring.IsEmpty);
    }

    [Fact]
    public void FullRing_RefusesUntilConsumerFreesSlots()
    {
        var ring = new SpscRing<string>(4);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(ring.TryEnqueue($"m{i}"));
        }

        Assert.False(ring.TryEnqueue("overflow"));

        var batch = new string[3];
        Assert.Equal(3, ring.Drain(batch.AsSpan(0, 3)));
        Assert.Equal(["m0", "m1", "m2"], batch);
        Assert.True(ring.TryEnqueue("m4"));
        Assert.True(ring.TryEnqueue("m5"));
        Assert.True(ring.TryEnqueue("m6"));
        Assert.False(ring.TryEnqueue("overflow"));

        var rest = new string[8];
        Assert.Equal(4, ring.Drain(rest));
        Assert.Equal(["m3", "m4", "m5", "m6"], rest[..4]);
        Assert.Equal(0, ring.Drain(rest));
        Assert.True(ring.IsEmpty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Capacity_MustBePowerOfTwo(int capacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpscRing<int>(capacity));
    }
}

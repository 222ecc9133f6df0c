namespace FastLog.Core;

/// <summary>Configuration of a <see cref="ShardGroup"/>.</summary>
public sealed class ShardGroupOptions
{
    /// <summary>Number of shards (threads); default one per core.</summary>
    public int ShardCount { get; init; } = Environment.ProcessorCount;

    /// <summary>Pin shard i to the i-th CPU the process may use (wrapping around); default true.</summary>
    public bool PinThreads { get; init; } = true;

    /// <summary>Submission queue entries per shard io_uring (the CQ gets four times as many).</summary>
    public int IoRingEntries { get; init; } = 256;

    /// <summary>Capacity of each cross-shard SPSC ring (power of two).</summary>
    public int RingCapacity { get; init; } = 1024;

    /// <summary>Size of each buffer in <see cref="Shard.Buffers"/> (rounded up to 4096).</summary>
    public int BufferSize { get; init; } = 64 * 1024;

    /// <summary>Buffers allocated and touched per shard at start.</summary>
    public int PreallocatedBuffers { get; init; } = 16;

    /// <summary>How long an idle shard polls for input before sleeping in the kernel.</summary>
    public TimeSpan IdleSpin { get; init; } = TimeSpan.FromMicroseconds(50);

    /// <summary>
    /// Receives exceptions escaping posted callbacks, timer callbacks and completion continuations
    /// (the shard keeps running). Default: written to stderr. Called on the shard's thread.
    /// </summary>
    public Action<Shard, Exception>? UnhandledException { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ShardCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(IoRingEntries, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(IoRingEntries, 32768);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BufferSize);
        ArgumentOutOfRangeException.ThrowIfNegative(PreallocatedBuffers);
        ArgumentOutOfRangeException.ThrowIfLessThan(IdleSpin, TimeSpan.Zero);
        if (RingCapacity < 2 || (RingCapacity & (RingCapacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RingCapacity), RingCapacity, "Must be a power of two >= 2.");
        }
    }
}

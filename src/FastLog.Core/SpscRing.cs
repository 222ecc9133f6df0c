using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLog.Core;

/// <summary>
/// Bounded lock-free ring for exactly one producer thread and one consumer thread.
/// <para>Protocol. <c>Tail</c> and <c>Head</c> are ever-increasing 64-bit sequence numbers; slot
/// = sequence &amp; mask (capacity is a power of two).</para>
/// <list type="bullet">
/// <item>Producer (<see cref="TryEnqueue"/>): if <c>tail - CachedHead == capacity</c> it refreshes
/// <c>CachedHead</c> with <c>Volatile.Read(Head)</c> (acquire: pairs with the consumer's release
/// store of Head, so the consumer has finished reading and clearing those slots); if still full it
/// returns false. Otherwise it writes the slot, then <c>Volatile.Write(Tail, tail + 1)</c>
/// (release: the slot contents are visible before the new tail).</item>
/// <item>Consumer (<see cref="Drain"/>): <c>Volatile.Read(Tail)</c> (acquire: pairs with the
/// producer's release of Tail, so slots below it are fully written), copies up to a batch of
/// slots out and clears them, then publishes <c>Volatile.Write(Head, head + n)</c> once for the
/// whole batch (release: the slots are free for reuse only after the reads above).</item>
/// </list>
/// Only the producer writes Tail and CachedHead; only the consumer writes Head. Each index sits on
/// its own padded cache-line pair (<see cref="SpscRingIndices"/>). Debug builds assert the single
/// producer and single consumer threads.
/// </summary>
public sealed class SpscRing<T>
{
    private readonly T[] _slots;
    private readonly long _mask;
    private SpscRingIndices _indices;
    private int _producerThread; // debug builds only: first thread seen producing
    private int _consumerThread; // debug builds only: first thread seen consuming

    public SpscRing(int capacity)
    {
        if (capacity < 2 || !BitOperations.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be a power of two >= 2.");
        }

        _slots = new T[capacity];
        _mask = capacity - 1;
    }

    /// <summary>Consumer-side check (also safe from any thread as a hint): true when nothing is published.</summary>
    public bool IsEmpty => Volatile.Read(ref _indices.Tail) == Volatile.Read(ref _indices.Head);

    /// <summary>Producer only. False when the ring is full (the caller keeps the item and retries later).</summary>
    public bool TryEnqueue(T item)
    {
        AssertSingleThread(ref _producerThread);
        long tail = _indices.Tail;
        if (tail - _indices.CachedHead >= _slots.Length)
        {
            _indices.CachedHead = Volatile.Read(ref _indices.Head);
            if (tail - _indices.CachedHead >= _slots.Length)
            {
                return false;
            }
        }

        _slots[tail & _mask] = item;
        Volatile.Write(ref _indices.Tail, tail + 1);
        return true;
    }

    /// <summary>
    /// Consumer only. Moves up to <c>destination.Length</c> items out in FIFO order, publishing the
    /// new head once; returns how many.
    /// </summary>
    public int Drain(Span<T> destination)
    {
        AssertSingleThread(ref _consumerThread);
        long head = _indices.Head;
        long available = Volatile.Read(ref _indices.Tail) - head;
        int count = (int)Math.Min(available, destination.Length);
        for (int i = 0; i < count; i++)
        {
            ref T slot = ref _slots[(head + i) & _mask];
            destination[i] = slot;
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                slot = default!; // drop the reference so a drained item is not kept alive by the ring
            }
        }

        if (count > 0)
        {
            Volatile.Write(ref _indices.Head, head + count);
        }

        return count;
    }

    [Conditional("DEBUG")]
    private static void AssertSingleThread(ref int owner)
    {
        int me = Environment.CurrentManagedThreadId;
        int previous = Interlocked.CompareExchange(ref owner, me, 0);
        Debug.Assert(previous == 0 || previous == me, "SpscRing used from a second producer or consumer thread.");
    }
}

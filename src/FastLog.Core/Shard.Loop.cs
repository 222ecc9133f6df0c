using System.Diagnostics;
using System.Runtime.InteropServices;
using FastLog.Core.Interop;

namespace FastLog.Core;

/// <summary>
/// The shard's thread and event loop. One turn: drain the inbound SPSC rings (a batch each),
/// drain the external inbox, run posted work, run due timers, submit the turn's io_uring batch
/// and dispatch completions, retry back-pressured messages, wake the shards we sent to. A turn
/// that did nothing ends in <see cref="Idle"/>.
/// <para>Sleep/wake protocol (Dekker-style, so no wake-up is lost and no idle syscall is made):
/// the sleeper does <c>Interlocked.Exchange(_sleeping, 1)</c> (a full fence), then re-checks every
/// input (ring tails, inbox, local queue); only if all are empty does it sleep in
/// io_uring_enter(GETEVENTS) with a timeout bounded by the next timer. A waker first publishes its
/// message (ring tail store or inbox enqueue), then <c>Interlocked.MemoryBarrier()</c>, then reads
/// <c>_sleeping</c>; if it is 1 and its <c>Interlocked.Exchange(_sleeping, 0)</c> wins, it writes
/// the shard's eventfd, which completes the READ the ring keeps armed on it and ends the wait.
/// Both sides store, fence, then load, so at least one sees the other: either the sleeper sees
/// the message, or the waker sees the flag. Only one waker per sleep pays for the eventfd write;
/// a surplus write just makes the next wait return at once.</para>
/// </summary>
public sealed partial class Shard
{
    private const int InboxBatchSize = 256;

    // While a message waits for ring space we cannot be woken by the consumer freeing it, so the
    // sleep is capped to poll for space.
    private const long OverflowRetryNanoseconds = 50_000;

    private static readonly TimeSpan ShutdownDrainLimit = TimeSpan.FromSeconds(1);

    private Thread? _thread;
    private TaskCompletionSource? _started;
    private int _eventFd = -1;
    private int _sleeping;
    private volatile bool _stopRequested;

    /// <summary>Creates the eventfd and starts the thread; <see cref="WaitStarted"/> reports its initialization.</summary>
    internal void Start()
    {
        _eventFd = Libc.Eventfd(0, Libc.EfdCloexec);
        if (_eventFd < 0)
        {
            throw new NativeIOException(Marshal.GetLastPInvokeError(), "eventfd");
        }

        _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(Run) { IsBackground = true, Name = $"fastlog-shard-{Id}" };
        _thread.UnsafeStart(); // no ExecutionContext (AsyncLocals) of whoever started the group leaks into the shard
    }

    /// <summary>Blocks the (non-shard) caller until the shard initialized; rethrows its failure (e.g. io_uring unavailable).</summary>
    internal void WaitStarted() => _started!.Task.GetAwaiter().GetResult();

    /// <summary>Any thread: asks the loop to exit after its current turn.</summary>
    internal void RequestStop()
    {
        _stopRequested = true;
        if (_eventFd >= 0)
        {
            SignalEventFd();
        }
    }

    /// <summary>Waits for the thread to exit, then closes the eventfd (only now can no waker write to it).</summary>
    internal void Join()
    {
        _thread?.Join();
        if (_eventFd >= 0)
        {
            Libc.Close(_eventFd);
            _eventFd = -1;
        }
    }

    /// <summary>Any thread, after publishing work for this shard: wake it if it sleeps (see the protocol above).</summary>
    internal void WakeIfSleeping()
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleeping) != 0 && Interlocked.Exchange(ref _sleeping, 0) != 0)
        {
            SignalEventFd();
        }
    }

    private unsafe void SignalEventFd()
    {
        ulong one = 1;
        // Blocking eventfd: a write blocks only if the 64-bit counter would overflow, which a few
        // wake-ups per sleep never approach. The io_uring READ on it is poll-driven either way.
        Libc.Write(_eventFd, &one, sizeof(ulong));
    }

    private void Run()
    {
        try
        {
            Initialize();
        }
        catch (Exception error)
        {
            CleanUp();
            _started!.SetException(error);
            return;
        }

        _accountedUntil = Stopwatch.GetTimestamp();
        _started!.SetResult();
        try
        {
            while (!_stopRequested)
            {
                RunTurn();
            }
        }
        finally
        {
            CleanUp();
        }
    }

    private void Initialize()
    {
        NativeThreadId = Libc.Gettid();
        if (Cpu >= 0)
        {
            CpuAffinity.PinCurrentThread(Cpu);
        }

        _current = this;
        SynchronizationContext.SetSynchronizationContext(_context);
        // Created on this thread: the ring is SINGLE_ISSUER (bound to its creator) and the buffers
        // are first touched here, so their pages come from this core's NUMA node.
        _io = new IoRing(_options.IoRingEntries, ReportUnhandled);
        _io.ArmWakeup(_eventFd);
        _buffers = new AlignedBufferPool(_options.BufferSize, _options.PreallocatedBuffers);
    }

    private void CleanUp()
    {
        _io?.DrainInFlight(ShutdownDrainLimit);
        _io?.Dispose();
        _buffers?.Dispose();
        SynchronizationContext.SetSynchronizationContext(null);
        _current = null;
    }

    private void RunTurn()
    {
        int work = DrainInbound();
        work += DrainInbox();
        work += RunLocalWork();
        work += RunDueTimers();
        work += _io!.SubmitAndReap();
        FlushOverflow();
        WakeTargets();
        AccountTurn(idle: work == 0);
    }

    private int DrainInbox()
    {
        int count = 0;
        while (count < InboxBatchSize && _inbox.TryDequeue(out var item))
        {
            count++;
            Invoke(item);
        }

        return count;
    }

    /// <summary>Runs only what was queued before this turn, so self-reposting work cannot starve I/O.</summary>
    private int RunLocalWork()
    {
        int count = _localWork.Count;
        for (int i = 0; i < count; i++)
        {
            Invoke(_localWork.Dequeue());
        }

        return count;
    }

    private bool HasPendingInput() =>
        _stopRequested || _localWork.Count > 0 || !_inbox.IsEmpty || InboundPending();

    private void Idle()
    {
        // Spin briefly first: a busy peer's next message usually arrives within microseconds, and
        // sleeping costs it an eventfd write and us a kernel wake-up.
        long spinUntil = Stopwatch.GetTimestamp() + ToTimestampTicks(_options.IdleSpin);
        while (Stopwatch.GetTimestamp() < spinUntil)
        {
            if (HasPendingInput() || _io!.HasCompletions)
            {
                return;
            }

            Thread.SpinWait(20);
        }

        Interlocked.Exchange(ref _sleeping, 1);
        if (!HasPendingInput())
        {
            long timeout = NanosecondsToNextTimer();
            if (_overflowCount > 0 && (timeout < 0 || timeout > OverflowRetryNanoseconds))
            {
                timeout = OverflowRetryNanoseconds;
            }

            if (timeout != 0)
            {
                _io!.SubmitAndWait(timeout);
            }
        }

        Volatile.Write(ref _sleeping, 0);
    }
}

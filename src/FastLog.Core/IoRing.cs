using System.Runtime.InteropServices;
using FastLog.Core.Interop;

namespace FastLog.Core;

/// <summary>
/// One io_uring instance driven by one thread (its shard), with no native helper library: raw
/// io_uring_setup/io_uring_enter syscalls and the mmapped SQ/CQ rings.
/// <para>Protocol (the kernel is the other party): this thread is the only SQ producer and the only
/// CQ consumer. SQEs are written into the mmapped array, then the SQ tail is published with
/// <c>Volatile.Write</c> (release; the kernel reads it with acquire). The kernel publishes the CQ
/// tail with release; we read it with <c>Volatile.Read</c>, copy the CQEs out and publish the CQ
/// head once (release) so the slots can be reused. The SQ head and SQ flags are kernel-written and
/// read with <c>Volatile.Read</c>.</para>
/// <para>Batching: operations only queue SQEs; the shard loop calls <see cref="SubmitAndReap"/> once
/// per turn (one io_uring_enter for everything queued), or <see cref="SubmitAndWait"/> when idle.
/// A full SQ is submitted early. The ring is created with SINGLE_ISSUER | DEFER_TASKRUN (falling
/// back to plain mode if the kernel refuses), so completions are only produced when this thread
/// enters the kernel — the SQ_TASKRUN flag tells us when that is worth a syscall. CQ overflow is
/// lossless (FEAT_NODROP): when the kernel flags it, one GETEVENTS enter flushes the backlog.</para>
/// <para>Completions run the awaiting continuation inline on this thread.</para>
/// </summary>
public sealed unsafe partial class IoRing : IDisposable
{
    private const ulong WakeUserData = ulong.MaxValue;

    /// <summary>user_data of every linked timeout SQE: its CQE (fired or not) needs no action, the operation's own CQE says what happened.</summary>
    private const ulong LinkTimeoutUserData = ulong.MaxValue - 1;

    private readonly int _ringFd;
    private readonly int _ownerThreadId;
    private readonly Action<Exception> _onContinuationError;
    private readonly byte* _ringMemory;
    private readonly nuint _ringMemorySize;
    private readonly IoUringSqe* _sqes;
    private readonly nuint _sqesSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint* _sqFlags;
    private readonly uint _sqMask;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly IoUringCqe* _cqes;
    private readonly uint _cqMask;
    private readonly List<IoOperation> _operations = [];
    private readonly Stack<IoOperation> _freeOperations = new();
    private readonly List<IoUringCqe> _harvested = [];
    private uint _sqTailLocal;
    private int _awaitingCompletion; // queued operations (not the wake-up read) whose CQE has not been dispatched
    private int _wakeFd = -1;
    private ulong* _wakeBuffer;
    private bool _disposed;

    /// <summary>
    /// Whether this process can create the rings the shards need (the kernel supports and allows
    /// io_uring with the features FastLog relies on); <paramref name="reason"/> says why not.
    /// For host checks: a shard that cannot create its ring fails to start.
    /// </summary>
    public static bool IsUsable([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason)
    {
        try
        {
            using var ring = new IoRing(8, static _ => { });
            reason = null;
            return true;
        }
        catch (IoRingException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Creates the ring on the calling thread, which becomes its only user.
    /// <paramref name="onContinuationError"/> receives exceptions thrown by completion continuations.
    /// </summary>
    internal IoRing(int entries, Action<Exception> onContinuationError)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entries, 2);
        _ownerThreadId = Environment.CurrentManagedThreadId;
        _onContinuationError = onContinuationError;

        IoUringParams p = default;
        _ringFd = Setup((uint)entries, ref p);
        if ((p.Features & (IoUring.FeatSingleMmap | IoUring.FeatNoDrop | IoUring.FeatExtArg))
            != (IoUring.FeatSingleMmap | IoUring.FeatNoDrop | IoUring.FeatExtArg))
        {
            Libc.Close(_ringFd);
            throw new IoRingException(Errno.EINVAL, "io_uring_setup",
                "io_uring_setup: kernel lacks SINGLE_MMAP/NODROP/EXT_ARG (Linux 5.11 or newer is required).");
        }

        Entries = (int)p.SqEntries;
        _ringMemorySize = Math.Max(p.SqArray + (p.SqEntries * sizeof(uint)), p.Cqes + (p.CqEntries * (uint)sizeof(IoUringCqe)));
        _ringMemory = (byte*)MapOrThrow(_ringMemorySize, IoUring.OffSqRing);
        _sqesSize = p.SqEntries * (nuint)sizeof(IoUringSqe);
        _sqes = (IoUringSqe*)MapOrThrow(_sqesSize, IoUring.OffSqes);

        _sqHead = (uint*)(_ringMemory + p.SqHead);
        _sqTail = (uint*)(_ringMemory + p.SqTail);
        _sqFlags = (uint*)(_ringMemory + p.SqFlags);
        _sqMask = *(uint*)(_ringMemory + p.SqRingMask);
        _cqHead = (uint*)(_ringMemory + p.CqHead);
        _cqTail = (uint*)(_ringMemory + p.CqTail);
        _cqMask = *(uint*)(_ringMemory + p.CqRingMask);
        _cqes = (IoUringCqe*)(_ringMemory + p.Cqes);
        _sqTailLocal = *_sqTail;

        // SQE i always sits in array slot i, so the indirection array is filled once.
        uint* array = (uint*)(_ringMemory + p.SqArray);
        for (uint i = 0; i < p.SqEntries; i++)
        {
            array[i] = i;
        }
    }

    /// <summary>SQ size (power of two); the CQ is four times larger.</summary>
    public int Entries { get; }

    /// <summary>
    /// Called once per loop turn: submits everything queued (one io_uring_enter) when there is
    /// anything to submit or the kernel has completions to post, then dispatches all completions.
    /// Returns the number of completions dispatched.
    /// </summary>
    internal int SubmitAndReap()
    {
        uint pending = PendingSubmissions;
        if (pending > 0 || (Volatile.Read(ref *_sqFlags) & (IoUring.SqTaskrun | IoUring.SqCqOverflow)) != 0)
        {
            Enter(pending, 0, IoUring.EnterGetEvents, null, 0);
        }

        return Reap();
    }

    /// <summary>
    /// Idle wait: submits what is queued and sleeps in the kernel until at least one completion
    /// arrives or <paramref name="timeoutNanoseconds"/> passes (negative = no timeout). Completions
    /// are dispatched by the next <see cref="SubmitAndReap"/>.
    /// </summary>
    internal void SubmitAndWait(long timeoutNanoseconds)
    {
        KernelTimespec ts = new() { Seconds = timeoutNanoseconds / 1_000_000_000, Nanoseconds = timeoutNanoseconds % 1_000_000_000 };
        GetEventsArg arg = new() { SigmaskSize = 8, Timespec = timeoutNanoseconds < 0 ? 0 : (ulong)&ts };
        Enter(PendingSubmissions, 1, IoUring.EnterGetEvents | IoUring.EnterExtArg, &arg, (nuint)sizeof(GetEventsArg));
    }

    /// <summary>True when completions are waiting to be reaped (or the kernel has work to post them).</summary>
    internal bool HasCompletions =>
        Volatile.Read(ref *_cqTail) != *_cqHead
        || (Volatile.Read(ref *_sqFlags) & (IoUring.SqTaskrun | IoUring.SqCqOverflow)) != 0;

    /// <summary>
    /// Keeps a READ armed on <paramref name="eventFd"/> so another thread's write to it completes a
    /// CQE and ends <see cref="SubmitAndWait"/> early. Re-armed after every wake-up.
    /// </summary>
    internal void ArmWakeup(int eventFd)
    {
        _wakeFd = eventFd;
        _wakeBuffer = (ulong*)NativeMemory.Alloc(sizeof(ulong));
        QueueWakeRead();
    }

    /// <summary>
    /// Shutdown: keeps submitting and dispatching until every queued operation has completed or
    /// <paramref name="limit"/> passes, so no kernel I/O still targets buffers that are about to be freed.
    /// </summary>
    internal void DrainInFlight(TimeSpan limit)
    {
        long deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (_awaitingCompletion > 0)
        {
            long remainingMs = deadline - Environment.TickCount64;
            if (remainingMs <= 0)
            {
                return;
            }

            SubmitAndWait(remainingMs * 1_000_000);
            Reap();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Libc.Close(_ringFd); // the kernel cancels whatever is still in flight
        Libc.Munmap(_sqes, _sqesSize);
        Libc.Munmap(_ringMemory, _ringMemorySize);
        foreach (var operation in _operations)
        {
            operation.FreeNative();
        }

        NativeMemory.Free(_wakeBuffer);
        _wakeBuffer = null;
    }

    internal void ReturnOperation(IoOperation operation) => _freeOperations.Push(operation);

    private uint PendingSubmissions => _sqTailLocal - Volatile.Read(ref *_sqHead);

    private static int Setup(uint entries, ref IoUringParams p)
    {
        // Preferred: one issuer thread, completions deferred until we ask (fewer interrupts,
        // natural batching), a flag telling us when asking is needed, and a roomy CQ.
        p.Flags = IoUring.SetupCqSize | IoUring.SetupSubmitAll | IoUring.SetupSingleIssuer
            | IoUring.SetupDeferTaskrun | IoUring.SetupTaskrunFlag;
        p.CqEntries = entries * 4;
        int fd;
        fixed (IoUringParams* pp = &p)
        {
            fd = Libc.IoUringSetup(entries, pp);
        }

        int errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (errno == Errno.EINVAL)
        {
            p = default;
            p.Flags = IoUring.SetupCqSize;
            p.CqEntries = entries * 4;
            fixed (IoUringParams* pp = &p)
            {
                fd = Libc.IoUringSetup(entries, pp);
            }

            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }

        return fd >= 0 ? fd : throw new IoRingException(errno, "io_uring_setup",
            $"io_uring_setup failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}). FastLog needs io_uring: "
            + "check /proc/sys/kernel/io_uring_disabled (must be 0, or 1 with the process in kernel.io_uring_group) "
            + "and that seccomp/container policy allows io_uring syscalls.");
    }

    private void* MapOrThrow(nuint size, long offset)
    {
        void* address = Libc.Mmap(null, size, Libc.ProtRead | Libc.ProtWrite, Libc.MapShared | Libc.MapPopulate, _ringFd, offset);
        if (address == Libc.MapFailed)
        {
            int errno = Marshal.GetLastPInvokeError();
            Libc.Close(_ringFd);
            throw new IoRingException(errno, "mmap(io_uring)");
        }

        return address;
    }

    private void CheckOwner()
    {
        if (Environment.CurrentManagedThreadId != _ownerThreadId)
        {
            throw new InvalidOperationException("An IoRing is used only from the thread that owns it (its shard). Use Shard.Current.Io on a shard.");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
    }

    /// <summary>The next free SQE, zeroed, with room for <paramref name="count"/> in all. A full SQ is submitted first (early submit).</summary>
    private IoUringSqe* NextSqe(int count = 1)
    {
        while (PendingSubmissions + count > Entries)
        {
            int submitted = Enter(PendingSubmissions, 0, IoUring.EnterGetEvents, null, 0);
            if (submitted <= 0)
            {
                // The kernel refused new work (EBUSY/EAGAIN: CQ backlog). Move completions out of
                // the CQ to make room; they are dispatched by the next SubmitAndReap, not here,
                // so no continuation runs in the middle of the caller's operation.
                Enter(0, 1, IoUring.EnterGetEvents, null, 0);
                Harvest();
            }
        }

        IoUringSqe* sqe = &_sqes[_sqTailLocal & _sqMask];
        *sqe = default;
        return sqe;
    }

    private void PublishSqe()
    {
        _sqTailLocal++;
        Volatile.Write(ref *_sqTail, _sqTailLocal);
    }

    /// <summary>io_uring_enter; returns the number submitted, or -errno for EBUSY/EAGAIN (retry later). Throws on real failures.</summary>
    private int Enter(uint toSubmit, uint minComplete, uint flags, void* arg, nuint argSize)
    {
        while (true)
        {
            int result = Libc.IoUringEnter(_ringFd, toSubmit, minComplete, flags, arg, argSize);
            if (result >= 0)
            {
                return result;
            }

            int errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case Errno.EINTR when minComplete > 0:
                case Errno.ETIME:
                    return 0; // woken by a signal or the timeout: the loop just runs another turn
                case Errno.EINTR:
                    continue;
                case Errno.EAGAIN:
                case Errno.EBUSY:
                    return -errno;
                default:
                    throw new IoRingException(errno, "io_uring_enter");
            }
        }
    }

    /// <summary>Copies every posted CQE out of the CQ and releases the slots (one head store).</summary>
    private void Harvest()
    {
        uint head = *_cqHead;
        uint tail = Volatile.Read(ref *_cqTail);
        if (head == tail)
        {
            return;
        }

        for (; head != tail; head++)
        {
            _harvested.Add(_cqes[head & _cqMask]);
        }

        Volatile.Write(ref *_cqHead, head);
    }

    private int Reap()
    {
        Harvest();
        int dispatched = 0;
        // Index loop: a continuation may queue I/O that harvests more CQEs into the list meanwhile.
        for (; dispatched < _harvested.Count; dispatched++)
        {
            var cqe = _harvested[dispatched];
            try
            {
                Dispatch(cqe.UserData, cqe.Result);
            }
            catch (Exception error)
            {
                _onContinuationError(error);
            }
        }

        _harvested.Clear();
        return dispatched;
    }

    private void Dispatch(ulong userData, int result)
    {
        if (userData == LinkTimeoutUserData)
        {
            return;
        }

        if (userData == WakeUserData)
        {
            if (result == -Errno.ECANCELED || _disposed)
            {
                return;
            }

            QueueWakeRead(); // re-arm first: losing the wake-up read would let the shard sleep through work
            if (result < 0)
            {
                throw new IoRingException(-result, "read(eventfd)");
            }

            return;
        }

        _awaitingCompletion--;
        _operations[(int)userData].Complete(result);
    }

    private void QueueWakeRead()
    {
        IoUringSqe* sqe = NextSqe();
        sqe->Opcode = IoUring.OpRead;
        sqe->Fd = _wakeFd;
        sqe->Address = (ulong)_wakeBuffer;
        sqe->Length = sizeof(ulong);
        sqe->UserData = WakeUserData;
        PublishSqe();
    }
}

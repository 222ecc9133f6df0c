using System.Buffers;
using System.Runtime.InteropServices;
using FastLog.Core.Interop;

namespace FastLog.Core;

/// <summary>
/// One in-flight io_uring operation: the pooled ValueTask source, the SafeHandle reference, the
/// pinned buffers and the linked timeout that must stay valid until the kernel posts the CQE. Its <see cref="Slot"/> is
/// the SQE's user_data. Lives and dies on the ring's owner thread (see <see cref="ShardValueTaskSource{T}"/>).
/// </summary>
internal sealed unsafe class IoOperation : ShardValueTaskSource<int>
{
    private readonly IoRing _ring;
    private string _name = "";
    private SafeHandle? _handle;
    private SafeHandle? _secondHandle;
    private MemoryHandle _pin;
    private MemoryHandle _addressPin;
    private MemoryHandle[] _vectorPins = [];
    private int _vectorPinCount;
    private Iovec* _iovecs;
    private int _iovecCapacity;
    private KernelTimespec* _timeout;
    private bool _timeoutLinked;

    public IoOperation(IoRing ring, int slot, int ownerThreadId)
        : base(ownerThreadId)
    {
        _ring = ring;
        Slot = slot;
    }

    /// <summary>Index in the ring's operation table; the SQE's user_data.</summary>
    public int Slot { get; }

    /// <summary>The descriptor, valid until completion because the SafeHandle is ref-counted.</summary>
    public int Fd { get; private set; }

    public void Start(string name, SafeHandle handle)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        _name = name;
        Fd = (int)handle.DangerousGetHandle();
    }

    /// <summary>Keeps a second descriptor (splice's input) open until completion; returns its number.</summary>
    public int HoldSecond(SafeHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added); // throws ObjectDisposedException for a closed handle
        }
        catch
        {
            Abandon();
            throw;
        }

        _secondHandle = handle;
        return (int)handle.DangerousGetHandle();
    }

    /// <summary>Pins <paramref name="buffer"/> until completion and returns its address.</summary>
    public ulong Pin(ReadOnlyMemory<byte> buffer)
    {
        try
        {
            _pin = buffer.Pin(); // a MemoryManager (e.g. a returned AlignedBuffer) may refuse
        }
        catch
        {
            Abandon();
            throw;
        }

        return (ulong)_pin.Pointer;
    }

    /// <summary>Pins a sockaddr (sendto's destination, connect's peer) until completion and returns its address.</summary>
    public ulong PinAddress(Memory<byte> socketAddress)
    {
        _addressPin = socketAddress.Pin(); // array-backed (SocketAddress.Buffer): cannot refuse
        return (ulong)_addressPin.Pointer;
    }

    /// <summary>Pins every buffer and builds the iovec array writev reads; returns its address.</summary>
    public ulong PinVector(ReadOnlySpan<ReadOnlyMemory<byte>> buffers)
    {
        if (_iovecCapacity < buffers.Length)
        {
            NativeMemory.Free(_iovecs);
            _iovecs = (Iovec*)NativeMemory.Alloc((nuint)buffers.Length, (nuint)sizeof(Iovec));
            _iovecCapacity = buffers.Length;
            _vectorPins = new MemoryHandle[buffers.Length];
        }

        try
        {
            // Counted one by one so a refused pin releases exactly the ones taken before it.
            for (_vectorPinCount = 0; _vectorPinCount < buffers.Length; _vectorPinCount++)
            {
                var pin = buffers[_vectorPinCount].Pin();
                _vectorPins[_vectorPinCount] = pin;
                _iovecs[_vectorPinCount] = new Iovec { Base = pin.Pointer, Length = (nuint)buffers[_vectorPinCount].Length };
            }
        }
        catch
        {
            Abandon();
            throw;
        }

        return (ulong)_iovecs;
    }

    /// <summary>
    /// Sets the relative timeout a LINK_TIMEOUT SQE linked to this operation points at and returns its
    /// address. Native memory owned by the operation, so it outlives the submission (the kernel copies
    /// it when it takes the SQE).
    /// </summary>
    public ulong ArmTimeout(TimeSpan timeout)
    {
        if (_timeout is null)
        {
            _timeout = (KernelTimespec*)NativeMemory.Alloc((nuint)sizeof(KernelTimespec));
        }

        long ticks = Math.Max(0, timeout.Ticks);
        *_timeout = new KernelTimespec { Seconds = ticks / TimeSpan.TicksPerSecond, Nanoseconds = ticks % TimeSpan.TicksPerSecond * TimeSpan.NanosecondsPerTick };
        _timeoutLinked = true;
        return (ulong)_timeout;
    }

    /// <summary>Called with the CQE result: releases what the kernel no longer uses, then completes.</summary>
    public void Complete(int result)
    {
        // Only its linked timeout cancels an operation: report it as the timeout it is.
        bool timedOut = _timeoutLinked && result == -Errno.ECANCELED;
        Release();
        if (timedOut)
        {
            SetException(new IoRingException(Errno.ETIMEDOUT, _name));
        }
        else if (result < 0)
        {
            SetException(new IoRingException(-result, _name));
        }
        else
        {
            SetResult(result);
        }
    }

    /// <summary>
    /// The submission was refused before its SQE was published (closed handle, unpinnable buffer,
    /// failed io_uring_enter): releases what was taken and returns the slot to the pool. Nothing
    /// was handed out, so no awaiter exists and the ValueTask version is untouched.
    /// </summary>
    public void Abandon()
    {
        Release();
        _ring.ReturnOperation(this);
    }

    private void Release()
    {
        _pin.Dispose();
        _pin = default;
        _addressPin.Dispose();
        _addressPin = default;
        for (int i = 0; i < _vectorPinCount; i++)
        {
            _vectorPins[i].Dispose();
        }

        _vectorPinCount = 0;
        _timeoutLinked = false;
        _handle?.DangerousRelease();
        _handle = null;
        _secondHandle?.DangerousRelease();
        _secondHandle = null;
    }

    /// <summary>Frees the iovec array and the timeout; only when the ring is disposed.</summary>
    public void FreeNative()
    {
        NativeMemory.Free(_iovecs);
        _iovecs = null;
        _iovecCapacity = 0;
        NativeMemory.Free(_timeout);
        _timeout = null;
    }

    protected override void Recycle() => _ring.ReturnOperation(this);
}

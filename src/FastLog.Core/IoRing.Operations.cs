using System.Net;
using System.Runtime.InteropServices;
using FastLog.Core.Interop;

namespace FastLog.Core;

/// <summary>
/// The operations. Each queues one SQE (submitted with the rest of this loop turn's batch) and
/// returns a ValueTask completed on this thread with the kernel's result; a negative result
/// surfaces as <see cref="IoRingException"/>. Buffers are pinned and handles ref-counted until the
/// CQE arrives. Call only on the owning shard's thread; await every returned ValueTask once.
/// </summary>
public sealed unsafe partial class IoRing
{
    private const uint SockCloexec = 0x80000;
    private const uint MsgNosignal = 0x4000;

    /// <summary>pread: reads into <paramref name="buffer"/> at <paramref name="offset"/>; returns bytes read (0 at EOF).</summary>
    public ValueTask<int> ReadAsync(SafeHandle file, Memory<byte> buffer, long offset)
    {
        var op = Begin("read", file);
        return Queue(op, IoUring.OpRead, op.Pin(buffer), (uint)buffer.Length, (ulong)offset, 0);
    }

    /// <summary>pwrite: writes <paramref name="buffer"/> at <paramref name="offset"/>; returns bytes written.</summary>
    public ValueTask<int> WriteAsync(SafeHandle file, ReadOnlyMemory<byte> buffer, long offset)
    {
        var op = Begin("write", file);
        return Queue(op, IoUring.OpWrite, op.Pin(buffer), (uint)buffer.Length, (ulong)offset, 0);
    }

    /// <summary>pwritev: writes the buffers back to back starting at <paramref name="offset"/>; returns total bytes written.</summary>
    public ValueTask<int> WritevAsync(SafeHandle file, ReadOnlySpan<ReadOnlyMemory<byte>> buffers, long offset)
    {
        var op = Begin("writev", file);
        return Queue(op, IoUring.OpWritev, op.PinVector(buffers), (uint)buffers.Length, (ulong)offset, 0);
    }

    /// <summary>fsync: data and all metadata durable.</summary>
    public ValueTask<int> FsyncAsync(SafeHandle file) =>
        Queue(Begin("fsync", file), IoUring.OpFsync, 0, 0, 0, 0);

    /// <summary>fdatasync: data (and the metadata needed to read it back) durable; the group-commit primitive.</summary>
    public ValueTask<int> FdatasyncAsync(SafeHandle file) =>
        Queue(Begin("fdatasync", file), IoUring.OpFsync, 0, 0, 0, IoUring.FsyncDatasync);

    /// <summary>accept4(SOCK_CLOEXEC) on a listening socket; returns the new connection's descriptor (caller owns it).</summary>
    public ValueTask<int> AcceptAsync(SafeHandle listener) =>
        Queue(Begin("accept", listener), IoUring.OpAccept, 0, 0, 0, SockCloexec);

    /// <summary>
    /// connect(2) of a stream socket to <paramref name="address"/>; completes (0) once the handshake
    /// is done. The sockaddr stays pinned until completion. A refused connection fails with
    /// ECONNREFUSED; with a <paramref name="timeout"/>, one still pending then fails with ETIMEDOUT
    /// (what connect(2) itself reports when the kernel gives up), since a SYN to a silent peer is
    /// retried for minutes.
    /// </summary>
    public ValueTask<int> ConnectAsync(SafeHandle socket, SocketAddress address, TimeSpan? timeout = null)
    {
        var op = Begin("connect", socket);
        ulong sockaddr = op.PinAddress(address.Buffer[..address.Size]);
        return Queue(op, IoUring.OpConnect, sockaddr, 0, (ulong)address.Size, 0, timeout: timeout);
    }

    /// <summary>
    /// recv into <paramref name="buffer"/>; returns bytes received (0 = peer closed). With a
    /// <paramref name="timeout"/>, fails with ETIMEDOUT when nothing arrived within it (a peer that is
    /// alive to the kernel but does not answer, e.g. a paused process).
    /// </summary>
    public ValueTask<int> RecvAsync(SafeHandle socket, Memory<byte> buffer, TimeSpan? timeout = null)
    {
        var op = Begin("recv", socket);
        return Queue(op, IoUring.OpRecv, op.Pin(buffer), (uint)buffer.Length, 0, 0, timeout: timeout);
    }

    /// <summary>
    /// send (MSG_NOSIGNAL); returns bytes sent, which may be fewer than requested. With a
    /// <paramref name="timeout"/>, fails with ETIMEDOUT when no room opened up in the socket within it.
    /// </summary>
    public ValueTask<int> SendAsync(SafeHandle socket, ReadOnlyMemory<byte> buffer, TimeSpan? timeout = null)
    {
        var op = Begin("send", socket);
        return Queue(op, IoUring.OpSend, op.Pin(buffer), (uint)buffer.Length, 0, MsgNosignal, timeout: timeout);
    }

    /// <summary>
    /// sendto (MSG_NOSIGNAL): one datagram to <paramref name="destination"/> on an unconnected socket
    /// (UDP). IORING_OP_SEND with addr2 = the sockaddr and addr_len (the kernel's io_send_setup copies
    /// the address at submission); returns bytes sent.
    /// </summary>
    public ValueTask<int> SendToAsync(SafeHandle socket, ReadOnlyMemory<byte> buffer, SocketAddress destination)
    {
        var op = Begin("sendto", socket);
        ulong data = op.Pin(buffer);
        ulong address = op.PinAddress(destination.Buffer[..destination.Size]);
        return Queue(op, IoUring.OpSend, data, (uint)buffer.Length, address, MsgNosignal, addressLength: (ushort)destination.Size);
    }

    /// <summary>One-shot poll: completes when any of <paramref name="events"/> is ready; returns the ready <see cref="PollEvents"/> bits.</summary>
    public ValueTask<int> PollAsync(SafeHandle fd, PollEvents events) =>
        Queue(Begin("poll", fd), IoUring.OpPollAdd, 0, 0, 0, (uint)events);

    /// <summary>
    /// splice(2): moves up to <paramref name="length"/> bytes from <paramref name="input"/> to
    /// <paramref name="output"/> inside the kernel; one side must be a pipe. An offset of -1 means
    /// "no offset" (required for pipes and sockets). File -> pipe -> socket is how record data goes
    /// out zero-copy without blocking the shard. Returns bytes moved (0 = end of input).
    /// </summary>
    public ValueTask<int> SpliceAsync(SafeHandle input, long inputOffset, SafeHandle output, long outputOffset, int length)
    {
        ObjectDisposedException.ThrowIf(input.IsClosed, input);
        var op = Begin("splice", output);
        int inputFd = op.HoldSecond(input);
        return Queue(op, IoUring.OpSplice, inputOffset < 0 ? IoUring.NoSpliceOffset : (ulong)inputOffset, (uint)length,
            outputOffset < 0 ? IoUring.NoSpliceOffset : (ulong)outputOffset, IoUring.SpliceFMove, inputFd);
    }

    private IoOperation Begin(string name, SafeHandle handle)
    {
        CheckOwner();
        if (!_freeOperations.TryPop(out var op))
        {
            op = new IoOperation(this, _operations.Count, _ownerThreadId);
            _operations.Add(op);
        }

        try
        {
            op.Start(name, handle);
        }
        catch
        {
            _freeOperations.Push(op);
            throw;
        }

        return op;
    }

    /// <summary>
    /// Queues the operation's SQE. With a <paramref name="timeout"/>, an IORING_OP_LINK_TIMEOUT SQE
    /// linked to it follows: when it fires first the kernel cancels the operation (which then
    /// completes with ECANCELED, reported as ETIMEDOUT); the timeout's own CQE carries
    /// <see cref="LinkTimeoutUserData"/> and is dropped.
    /// </summary>
    private ValueTask<int> Queue(IoOperation op, byte opcode, ulong address, uint length, ulong offset, uint opFlags, int spliceFdIn = 0, ushort addressLength = 0, TimeSpan? timeout = null)
    {
        IoUringSqe* sqe;
        try
        {
            // May have to enter the kernel to make room, which can fail. A linked pair needs room for
            // both: an early submit between them would send the operation without its timeout.
            sqe = NextSqe(timeout is null ? 1 : 2);
        }
        catch
        {
            op.Abandon();
            throw;
        }

        sqe->Opcode = opcode;
        sqe->Fd = op.Fd;
        sqe->Address = address;
        sqe->Length = length;
        sqe->Offset = offset;
        sqe->OpFlags = opFlags;
        sqe->SpliceFdIn = spliceFdIn;
        if (addressLength != 0)
        {
            sqe->AddressLength = addressLength; // shares offset 44 with splice_fd_in (0 here); the pad after it stays 0
        }

        sqe->UserData = (ulong)op.Slot;
        if (timeout is { } limit)
        {
            sqe->Flags = IoUring.SqeIoLink;
            PublishSqe();
            IoUringSqe* timeoutSqe = NextSqe(1); // room was made for it above: no kernel entry here
            timeoutSqe->Opcode = IoUring.OpLinkTimeout;
            timeoutSqe->Address = op.ArmTimeout(limit); // copied by the kernel when it takes the SQE
            timeoutSqe->Length = 1;
            timeoutSqe->UserData = LinkTimeoutUserData;
        }

        PublishSqe();
        _awaitingCompletion++;
        return op.AsValueTask();
    }
}

using System.Runtime.InteropServices;

namespace FastLog.Core.Interop;

/// <summary>
/// <c>struct io_uring_sqe</c> (64 bytes), the submission entry the kernel reads.
/// <code>
/// 0 opcode u8 | 1 flags u8 | 2 ioprio u16 | 4 fd i32 | 8 off/addr2 u64 | 16 addr u64 | 24 len u32
/// 28 op flags u32 (rw_flags, fsync_flags, msg_flags, poll32_events, accept_flags)
/// 32 user_data u64 | 40 buf_index u16 | 42 personality u16 | 44 file_index u32 / splice_fd_in i32 /
///    addr_len u16 + pad u16 (SEND with a destination: addr2 @8 points at the sockaddr) | 48 addr3 u64 | 56 pad
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct IoUringSqe
{
    [FieldOffset(0)] public byte Opcode;
    [FieldOffset(1)] public byte Flags;
    [FieldOffset(4)] public int Fd;
    [FieldOffset(8)] public ulong Offset;
    [FieldOffset(16)] public ulong Address;
    [FieldOffset(24)] public uint Length;
    [FieldOffset(28)] public uint OpFlags;
    [FieldOffset(32)] public ulong UserData;
    [FieldOffset(44)] public int SpliceFdIn;
    [FieldOffset(44)] public ushort AddressLength;
}

using System.Runtime.InteropServices;

namespace FastLog.Core.Interop;

/// <summary>
/// <c>struct io_uring_params</c> (120 bytes), filled in by io_uring_setup.
/// <code>
/// 0   sq_entries u32     4  cq_entries u32     8  flags u32       12 sq_thread_cpu u32
/// 16  sq_thread_idle u32 20 features u32       24 wq_fd u32       28 resv[3] u32
/// 40  sq_off: head tail ring_mask ring_entries flags dropped array resv1 (u32 each) user_addr u64
/// 80  cq_off: head tail ring_mask ring_entries overflow cqes flags resv1 (u32 each) user_addr u64
/// </code>
/// The offsets in sq_off/cq_off are byte offsets into the mmapped SQ/CQ ring.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 120)]
internal struct IoUringParams
{
    [FieldOffset(0)] public uint SqEntries;
    [FieldOffset(4)] public uint CqEntries;
    [FieldOffset(8)] public uint Flags;
    [FieldOffset(20)] public uint Features;

    [FieldOffset(40)] public uint SqHead;
    [FieldOffset(44)] public uint SqTail;
    [FieldOffset(48)] public uint SqRingMask;
    [FieldOffset(56)] public uint SqFlags;
    [FieldOffset(64)] public uint SqArray;

    [FieldOffset(80)] public uint CqHead;
    [FieldOffset(84)] public uint CqTail;
    [FieldOffset(88)] public uint CqRingMask;
    [FieldOffset(100)] public uint Cqes;
}

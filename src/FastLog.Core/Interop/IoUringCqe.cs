using System.Runtime.InteropServices;

namespace FastLog.Core.Interop;

/// <summary>
/// <c>struct io_uring_cqe</c> (16 bytes): 0 user_data u64 | 8 res i32 (negative errno on failure) | 12 flags u32.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct IoUringCqe
{
    [FieldOffset(0)] public ulong UserData;
    [FieldOffset(8)] public int Result;
}

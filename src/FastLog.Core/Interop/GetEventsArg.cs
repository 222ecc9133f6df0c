namespace FastLog.Core.Interop;

/// <summary>
/// <c>struct io_uring_getevents_arg</c> (24 bytes), passed to io_uring_enter with EXT_ARG:
/// 0 sigmask u64 | 8 sigmask_sz u32 | 12 min_wait_usec u32 | 16 ts u64 (pointer to a KernelTimespec, 0 = none).
/// </summary>
internal struct GetEventsArg
{
    public ulong Sigmask;
    public uint SigmaskSize;
    public uint MinWaitMicroseconds;
    public ulong Timespec;
}

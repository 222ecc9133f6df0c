namespace FastLog.Core.Interop;

/// <summary><c>struct __kernel_timespec</c> (16 bytes): 0 tv_sec i64 | 8 tv_nsec i64.</summary>
internal struct KernelTimespec
{
    public long Seconds;
    public long Nanoseconds;
}

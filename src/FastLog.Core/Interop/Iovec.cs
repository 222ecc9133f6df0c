namespace FastLog.Core.Interop;

/// <summary><c>struct iovec</c> (16 bytes on 64-bit): 0 iov_base pointer | 8 iov_len size_t.</summary>
internal unsafe struct Iovec
{
    public void* Base;
    public nuint Length;
}

namespace FastLog.Core.Interop;

/// <summary>struct rlimit of getrlimit(2)/setrlimit(2) on 64-bit Linux: soft (current) and hard (maximum) limit.</summary>
internal struct ResourceLimit
{
    public ulong Current;
    public ulong Maximum;
}

namespace FastLog.Core;

/// <summary>
/// Flags for <see cref="NativeFile.Open"/>. The values are FastLog's own; <see cref="NativeFile"/>
/// maps them to the architecture's O_* bits (O_DIRECT differs between x86-64 and arm64).
/// O_CLOEXEC is always added.
/// </summary>
[Flags]
public enum NativeOpenFlags
{
    ReadOnly = 0,
    WriteOnly = 1,
    ReadWrite = 2,
    /// <summary>O_CREAT: create the file if missing.</summary>
    Create = 1 << 2,
    /// <summary>O_EXCL with <see cref="Create"/>: fail if the file exists.</summary>
    Exclusive = 1 << 3,
    /// <summary>O_TRUNC.</summary>
    Truncate = 1 << 4,
    /// <summary>O_DIRECT: bypass the page cache; buffers, offsets and lengths must be 4096-aligned.</summary>
    Direct = 1 << 5,
    /// <summary>O_DSYNC: every write is durable (data plus the metadata needed to read it) when it completes.</summary>
    DataSync = 1 << 6,
}

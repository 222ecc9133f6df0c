namespace FastLog.Core.Interop;

/// <summary>io_uring ABI constants (include/uapi/linux/io_uring.h) used by <see cref="IoRing"/>.</summary>
internal static class IoUring
{
    // Opcodes.
    internal const byte OpWritev = 2;
    internal const byte OpFsync = 3;
    internal const byte OpPollAdd = 6;
    internal const byte OpAccept = 13;
    internal const byte OpLinkTimeout = 15;
    internal const byte OpConnect = 16;
    internal const byte OpRead = 22;
    internal const byte OpWrite = 23;
    internal const byte OpSend = 26;
    internal const byte OpRecv = 27;
    internal const byte OpSplice = 30;

    /// <summary>splice's "no offset" marker (-1 as u64): the pipe or socket position is used.</summary>
    internal const ulong NoSpliceOffset = ulong.MaxValue;
    internal const uint SpliceFMove = 1;

    internal const uint FsyncDatasync = 1;

    /// <summary>SQE flag IOSQE_IO_LINK: the next SQE (here always a LINK_TIMEOUT) is linked to this one.</summary>
    internal const byte SqeIoLink = 1 << 2;

    // io_uring_setup flags.
    internal const uint SetupCqSize = 1u << 3;
    internal const uint SetupSubmitAll = 1u << 7;
    internal const uint SetupTaskrunFlag = 1u << 9;
    internal const uint SetupSingleIssuer = 1u << 12;
    internal const uint SetupDeferTaskrun = 1u << 13;

    // Features reported back in io_uring_params.features.
    internal const uint FeatSingleMmap = 1u << 0;
    internal const uint FeatNoDrop = 1u << 1;
    internal const uint FeatExtArg = 1u << 8;

    // io_uring_enter flags.
    internal const uint EnterGetEvents = 1u << 0;
    internal const uint EnterExtArg = 1u << 3;

    // Bits of the SQ ring's flags word (written by the kernel).
    internal const uint SqCqOverflow = 1u << 1;
    internal const uint SqTaskrun = 1u << 2;

    // mmap offsets of the three regions.
    internal const long OffSqRing = 0;
    internal const long OffCqRing = 0x8000000;
    internal const long OffSqes = 0x10000000;
}

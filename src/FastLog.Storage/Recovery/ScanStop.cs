namespace FastLog.Storage.Recovery;

/// <summary>Why a <see cref="LogScanner"/> stopped.</summary>
internal enum ScanStop
{
    /// <summary>Not stopped: more bytes are needed (see <see cref="LogScanner.NeededBytes"/>).</summary>
    None,

    /// <summary>The data ended exactly after a valid batch.</summary>
    EndOfData,

    /// <summary>Zeros where the next batch would start: preallocated space never written. The normal end of an active segment.</summary>
    ZeroFill,

    /// <summary>The last batch is cut short by the end of the data: a write the crash interrupted.</summary>
    Torn,

    /// <summary>A batch failed its structural or CRC-32C check (see <see cref="LogScanner.StopError"/>).</summary>
    Corrupt,

    /// <summary>A valid batch whose BaseOffset is not the next expected offset: stale bytes from an older write.</summary>
    OffsetMismatch,
}

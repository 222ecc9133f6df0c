namespace FastLog.Core;

/// <summary>
/// Small metadata files replaced atomically and durably (the broker's topics.json and
/// producer_ids; a partition's producer-state snapshot). Public: Storage and the broker share it.
/// </summary>
public static class DurableFile
{
    /// <summary>
    /// Writes <paramref name="contents"/> to a temporary file, fsyncs it, renames it over
    /// <paramref name="path"/> and fsyncs the directory: after a crash the file holds either the
    /// old or the new contents, never a mix. Blocking: call off the shards.
    /// </summary>
    public static void ReplaceAtomically(string path, ReadOnlySpan<byte> contents)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(contents);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        NativeFile.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}

using FastLog.Core;

namespace FastLog.Storage.Compaction;

/// <summary>
/// How a cleaned segment replaces the original, crash-safe at every step (Kafka's .cleaned/.swap
/// protocol, for one segment at a time). The cleaner writes <c>X.log.cleaned</c>,
/// <c>X.index.cleaned</c> and <c>X.timeindex.cleaned</c> beside segment X and fdatasyncs them; then
/// <see cref="Commit"/>:
/// <code>
/// 1  X.index.cleaned     -> X.index.swap
/// 2  X.timeindex.cleaned -> X.timeindex.swap
/// 3  X.log.cleaned       -> X.log.swap          the commit point: the cleaned segment now wins
///    fsync(directory)
/// 4  X.index.swap        -> X.index             rename(2) replaces atomically
/// 5  X.timeindex.swap    -> X.timeindex
/// 6  X.log.swap          -> X.log
///    fsync(directory)
/// </code>
/// <see cref="Recover"/> at open: every <c>X.log.swap</c> completes steps 4-6 (the cleaned segment
/// was whole and durable before step 3); every other <c>.cleaned</c> or <c>.swap</c> file is an
/// unfinished cleaning and is deleted, leaving the original segment. Either way the segment holds
/// all of its original data or all of its cleaned data, never a mix: a retained record is never
/// lost, and a removed one reappears only when the original is kept (the next pass removes it again).
/// Blocking file operations: called off the shard (thread pool) or at open.
/// </summary>
internal static class CleanerSwap
{
    public const string CleanedSuffix = ".cleaned";
    public const string SwapSuffix = ".swap";

    /// <summary>The steps of <see cref="Commit"/>, for tests that stop after each one.</summary>
    public const int Steps = 6;

    private static readonly Func<string, long, string>[] Files = [SegmentFileNames.Index, SegmentFileNames.TimeIndex, SegmentFileNames.Log];

    /// <summary>
    /// Replaces segment <paramref name="baseOffset"/> by its cleaned files. <paramref name="stopAfter"/>
    /// (tests only) throws after that many steps, as a crash would leave the directory.
    /// </summary>
    public static void Commit(string directory, long baseOffset, int stopAfter = Steps)
    {
        var step = 0;
        foreach (var file in Files)
        {
            var path = file(directory, baseOffset);
            File.Move(path + CleanedSuffix, path + SwapSuffix, overwrite: true);
            Crash(++step, stopAfter);
        }

        NativeFile.SyncDirectory(directory);
        Complete(directory, baseOffset, step, stopAfter);
    }

    /// <summary>
    /// At open, before the segments are listed: finishes committed swaps and deletes unfinished
    /// cleanings; returns what it did, for the log (empty when there was nothing).
    /// </summary>
    public static List<string> Recover(string directory)
    {
        var done = new List<string>();
        foreach (var swap in System.IO.Directory.GetFiles(directory, "*" + SegmentFileNames.LogExtension + SwapSuffix))
        {
            if (SegmentFileNames.TryParseLog(swap[..^SwapSuffix.Length], out var baseOffset))
            {
                Complete(directory, baseOffset, 0, Steps);
                done.Add($"completed the interrupted swap of cleaned segment {baseOffset}");
            }
        }

        foreach (var leftover in System.IO.Directory.GetFiles(directory)
            .Where(f => f.EndsWith(CleanedSuffix, StringComparison.Ordinal) || f.EndsWith(SwapSuffix, StringComparison.Ordinal)))
        {
            File.Delete(leftover);
            done.Add($"deleted {Path.GetFileName(leftover)} of an unfinished cleaning (the original segment is kept)");
        }

        if (done.Count > 0)
        {
            NativeFile.SyncDirectory(directory);
        }

        return done;
    }

    /// <summary>Deletes the cleaned files of an abandoned cleaning (the segment went away, or the partition closed).</summary>
    public static void Discard(string directory, long baseOffset)
    {
        foreach (var file in Files)
        {
            File.Delete(file(directory, baseOffset) + CleanedSuffix);
        }
    }

    private static void Complete(string directory, long baseOffset, int step, int stopAfter)
    {
        foreach (var file in Files)
        {
            var path = file(directory, baseOffset);
            if (File.Exists(path + SwapSuffix))
            {
                File.Move(path + SwapSuffix, path, overwrite: true);
            }

            Crash(++step, stopAfter);
        }

        NativeFile.SyncDirectory(directory);
    }

    private static void Crash(int step, int stopAfter)
    {
        if (step >= stopAfter && stopAfter < Steps)
        {
            throw new IOException($"Simulated crash after swap step {step}.");
        }
    }
}

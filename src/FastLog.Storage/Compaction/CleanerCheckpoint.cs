using System.Globalization;
using System.Text;

namespace FastLog.Storage.Compaction;

/// <summary>
/// What the cleaner remembers about one partition (Kafka keeps the first half in its
/// cleaner-offset-checkpoint file and the second, since KIP-534, in batch headers): where the dirty
/// section starts, and when each cleaning pass first reached the offsets below its end, which is
/// what delete.retention.ms counts from for tombstones. File <c>cleaner.checkpoint</c>, text:
/// <code>
/// 0                          format version
/// firstDirty 4711            offsets below are clean (mapped by a pass)
/// pass 1200 1765432100000    a pass reached every offset below 1200 at this Unix time (ms); ascending, at most 32 lines
/// </code>
/// Written to a temporary file, fdatasync'ed and renamed over the old one. A missing or unreadable
/// file means "nothing cleaned yet": the next pass cleans from the log start and tombstones get a
/// fresh delete.retention.ms (later removal, never earlier). Immutable.
/// </summary>
internal sealed record CleanerCheckpoint(long FirstDirtyOffset, IReadOnlyList<(long EndOffset, long UnixMs)> Passes)
{
    public const string FileName = "cleaner.checkpoint";

    private const int MaxPasses = 32;

    public static readonly CleanerCheckpoint Empty = new(0, []);

    /// <summary>
    /// Offsets below this were first reached by a pass at least <paramref name="deleteRetentionMs"/>
    /// before <paramref name="nowMs"/>: their tombstones may go.
    /// </summary>
    public long TombstoneHorizon(long nowMs, long deleteRetentionMs)
    {
        long horizon = 0;
        foreach (var (end, at) in Passes)
        {
            if (nowMs - at >= deleteRetentionMs)
            {
                horizon = Math.Max(horizon, end);
            }
        }

        return horizon;
    }

    /// <summary>
    /// After a pass that mapped up to <paramref name="endOffset"/> at <paramref name="nowMs"/>. Past
    /// <see cref="MaxPasses"/> the two oldest entries merge into the later one: the offsets of the
    /// older then count from the later time, so their tombstones stay longer, never shorter.
    /// </summary>
    public CleanerCheckpoint WithPass(long endOffset, long nowMs)
    {
        var passes = Passes.Where(p => p.EndOffset < endOffset).ToList();
        if (Passes.Count == 0 || Passes[^1].EndOffset < endOffset)
        {
            passes.Add((endOffset, nowMs));
        }
        else
        {
            passes = [.. Passes];
        }

        while (passes.Count > MaxPasses)
        {
            passes.RemoveAt(0);
        }

        return new CleanerCheckpoint(Math.Max(FirstDirtyOffset, endOffset), passes);
    }

    public static CleanerCheckpoint Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return Empty;
        }

        try
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length < 2 || lines[0] != "0" || !lines[1].StartsWith("firstDirty ", StringComparison.Ordinal))
            {
                return Empty;
            }

            var firstDirty = long.Parse(lines[1].AsSpan("firstDirty ".Length), NumberStyles.None, CultureInfo.InvariantCulture);
            var passes = new List<(long, long)>();
            foreach (var line in lines.Skip(2))
            {
                var parts = line.Split(' ');
                if (parts.Length != 3 || parts[0] != "pass")
                {
                    return Empty;
                }

                passes.Add((long.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture), long.Parse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture)));
            }

            return new CleanerCheckpoint(firstDirty, passes);
        }
        catch (FormatException)
        {
            return Empty;
        }
        catch (OverflowException)
        {
            return Empty;
        }
    }

    /// <summary>
    /// After the log was truncated to <paramref name="endOffset"/> (a follower's log that diverged
    /// from its leader's): no offset from there on is clean, and no pass has reached one yet (the
    /// batches that will hold them are new); the pass that first reached <paramref name="endOffset"/>
    /// keeps its time. This same checkpoint when nothing changes.
    /// </summary>
    public CleanerCheckpoint TruncatedTo(long endOffset)
    {
        if (FirstDirtyOffset <= endOffset && Passes.All(p => p.EndOffset <= endOffset))
        {
            return this;
        }

        var reached = Passes.Where(p => p.EndOffset >= endOffset).Take(1).Select(p => (endOffset, p.UnixMs));
        return new CleanerCheckpoint(Math.Min(FirstDirtyOffset, endOffset), Passes.Where(p => p.EndOffset < endOffset).Concat(reached).ToList());
    }

    /// <summary>Blocking (temporary file, fdatasync, rename, directory fsync): call off the shard.</summary>
    public void Save(string directory)
    {
        var text = new StringBuilder("0\n").Append(CultureInfo.InvariantCulture, $"firstDirty {FirstDirtyOffset}\n");
        foreach (var (end, at) in Passes)
        {
            text.Append(CultureInfo.InvariantCulture, $"pass {end} {at}\n");
        }

        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(Encoding.ASCII.GetBytes(text.ToString()));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        FastLog.Core.NativeFile.SyncDirectory(directory);
    }
}

using System.Globalization;
using System.Text;
using FastLog.Core;

namespace FastLog.Storage.Epochs;

/// <summary>
/// {partition-dir}/leader-epoch-checkpoint: the <see cref="LeaderEpochCache"/> entries in Kafka's
/// file name and text format (its CheckpointFile, version 0), ASCII, lines ending in '\n':
/// <code>
/// 0            version
/// 2            number of entries
/// 0 0          "epoch startOffset" per entry, ascending
/// 3 1200
/// </code>
/// Replaced atomically (<see cref="DurableFile"/>), so a crash leaves the old or the new file.
/// A missing file means no entries: logs written before the file existed only ever held batches
/// without a leader epoch (-1), and a new log writes it with its first entry.
/// </summary>
internal static class LeaderEpochCheckpointFile
{
    public const string FileName = "leader-epoch-checkpoint";

    private const int Version = 0;

    public static string Format(IReadOnlyList<EpochEntry> entries)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Version}\n{entries.Count}\n");
        foreach (var entry in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{entry.Epoch} {entry.StartOffset}\n");
        }

        return text.ToString();
    }

    /// <summary>The entries in <paramref name="text"/>; <see cref="InvalidDataException"/> when it is not this format.</summary>
    public static List<EpochEntry> Parse(string text)
    {
        var lines = text.Split('\n');
        var count = lines.Length >= 2 && lines[0] == "0" && int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;

        // Version, count, the entries, and the empty string after the last '\n'.
        if (count < 0 || lines.Length != count + 3 || lines[^1].Length != 0)
        {
            throw new InvalidDataException($"{FileName}: not version {Version} with a matching entry count.");
        }

        var entries = new List<EpochEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var fields = lines[i + 2].Split(' ');
            if (fields.Length != 2
                || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var startOffset)
                || (entries.Count > 0 && (epoch <= entries[^1].Epoch || startOffset < entries[^1].StartOffset)))
            {
                throw new InvalidDataException($"{FileName}: line {i + 3} is not an ascending \"epoch startOffset\" entry.");
            }

            entries.Add(new EpochEntry(epoch, startOffset));
        }

        return entries;
    }

    /// <summary>The saved entries, or null when there is no file. Blocking (a small file).</summary>
    public static List<EpochEntry>? Load(string partitionDirectory)
    {
        var path = Path.Combine(partitionDirectory, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path, Encoding.ASCII)) : null;
    }

    /// <summary>Replaces the file atomically and durably. Blocking: call off the shard.</summary>
    public static void Save(string partitionDirectory, IReadOnlyList<EpochEntry> entries) =>
        DurableFile.ReplaceAtomically(Path.Combine(partitionDirectory, FileName), Encoding.ASCII.GetBytes(Format(entries)));
}

using System.Globalization;

namespace FastLog.Storage;

/// <summary>
/// Kafka's file naming: a segment is named by its BaseOffset as 20 zero-padded digits, with
/// <c>.log</c> (RecordBatch bytes), <c>.index</c> (<see cref="Index.OffsetIndex"/>) and
/// <c>.timeindex</c> (<see cref="Index.TimeIndex"/>).
/// </summary>
internal static class SegmentFileNames
{
    public const string LogExtension = ".log";
    public const string IndexExtension = ".index";
    public const string TimeIndexExtension = ".timeindex";

    /// <summary>The partition's recovery checkpoint (see <see cref="Recovery.PartitionCheckpoint"/>).</summary>
    public const string CheckpointFileName = "partition.checkpoint";

    private const int Digits = 20;

    public static string Stem(long baseOffset) => baseOffset.ToString("D20", CultureInfo.InvariantCulture);

    public static string Log(string directory, long baseOffset) => Path.Combine(directory, Stem(baseOffset) + LogExtension);

    public static string Index(string directory, long baseOffset) => Path.Combine(directory, Stem(baseOffset) + IndexExtension);

    public static string TimeIndex(string directory, long baseOffset) => Path.Combine(directory, Stem(baseOffset) + TimeIndexExtension);

    /// <summary>Parses "00000000000000000042.log" into 42; false for anything else.</summary>
    public static bool TryParseLog(string fileName, out long baseOffset)
    {
        baseOffset = -1;
        var name = Path.GetFileName(fileName);
        return name.Length == Digits + LogExtension.Length
            && name.EndsWith(LogExtension, StringComparison.Ordinal)
            && name.AsSpan(0, Digits).IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(name.AsSpan(0, Digits), NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }

    /// <summary>BaseOffsets of the segments (.log files) among <paramref name="fileNames"/>, ascending.</summary>
    public static List<long> SegmentBaseOffsets(IEnumerable<string> fileNames)
    {
        var result = new List<long>();
        foreach (var name in fileNames)
        {
            if (TryParseLog(name, out var baseOffset))
            {
                result.Add(baseOffset);
            }
        }

        result.Sort();
        return result;
    }
}

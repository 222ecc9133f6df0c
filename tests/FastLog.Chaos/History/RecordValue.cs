using System.Globalization;

namespace FastLog.Chaos.History;

/// <summary>The value every write carries: "p&lt;producer&gt;-&lt;sequence&gt;", unique in a run (each run writes to its own topic).</summary>
internal static class RecordValue
{
    public static string Format(int producer, long sequence) => string.Create(CultureInfo.InvariantCulture, $"p{producer}-{sequence}");

    public static bool TryParse(string value, out int producer, out long sequence)
    {
        producer = 0;
        sequence = 0;
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        return value.StartsWith('p') && dash > 1
            && int.TryParse(value.AsSpan(1, dash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out producer)
            && long.TryParse(value.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }
}

using System.Globalization;

namespace FastLog.LoadTests.Bench;

/// <summary>
/// Reads the CPU time and resident memory of the broker's processes (one, or a cluster's, summed)
/// from /proc (Linux): utime+stime from /proc/PID/stat (fields 14 and 15, in USER_HZ = 100 ticks
/// per second on every Linux ABI), VmRSS from /proc/PID/status.
/// </summary>
internal sealed class ProcessSampler(params IReadOnlyList<int> processIds)
{
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU seconds used so far.</summary>
    public double CpuSeconds() => processIds.Sum(CpuSeconds);

    /// <summary>Resident set size in bytes.</summary>
    public long RssBytes() => processIds.Sum(RssBytes);

    private static double CpuSeconds(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private static long RssBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS in /proc/{processId}/status");
    }
}

using System.Runtime.InteropServices;

namespace FastLog.LoadTests.Machine;

/// <summary>One line describing the machine: CPU model and cores, memory, kernel, the data directory's filesystem, .NET.</summary>
internal static class MachineDescription
{
    public static string Describe(string dataDirectory)
    {
        string cpu = ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        string memory = ReadField("/proc/meminfo", "MemTotal") is { } kb && long.TryParse(kb.Split(' ')[0], out long k) ? $"{k / (1024.0 * 1024):F1} GiB RAM" : "? RAM";
        string kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription;
        return $"{cpu}, {Environment.ProcessorCount} cores, {memory}, Linux {kernel}, data dir on {Filesystem(dataDirectory)}, {RuntimeInformation.FrameworkDescription}";
    }

    private static string? ReadField(string path, string name)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line?[(line.IndexOf(':') + 1)..].Trim();
    }

    /// <summary>The mount holding <paramref name="directory"/> (longest matching mount point in /proc/mounts): "device (fstype)".</summary>
    private static string Filesystem(string directory)
    {
        var full = Path.GetFullPath(directory);
        var mount = File.Exists("/proc/mounts")
            ? File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && full.StartsWith(f[1], StringComparison.Ordinal)).MaxBy(f => f[1].Length)
            : null;
        return mount is null ? "unknown filesystem" : $"{mount[0]} ({mount[2]})";
    }
}

using System.Globalization;
using FastLog.Core;

namespace FastLog.Host.Checks;

/// <summary>Kernel, limits and CPU checks: what the shards' io_uring, descriptors and threads need.</summary>
internal static partial class HostCheck
{
    /// <summary>Kafka's and Redpanda's guidance: brokers open a few files per segment plus one per connection.</summary>
    private const long RecommendedOpenFiles = 100_000;

    private static CheckResult IoUring()
    {
        const string Name = "io_uring";
        var disabled = ReadSetting("/proc/sys/kernel/io_uring_disabled");
        if (IoRing.IsUsable(out var reason))
        {
            return CheckResult.Ok(Name, $"usable (kernel.io_uring_disabled={disabled ?? "absent"})");
        }

        return CheckResult.Fail(Name, $"not usable: {reason} (kernel.io_uring_disabled={disabled ?? "absent"})",
            disabled is "1" or "2" ? "sysctl -w kernel.io_uring_disabled=0" : "use Linux 5.11 or newer with io_uring enabled");
    }

    private static CheckResult OpenFiles()
    {
        const string Name = "open files (ulimit -n)";
        var limit = FileDescriptors.Limit();
        var detail = $"soft {Describe(limit.Soft)}, hard {Describe(limit.Hard)}";
        return limit.Hard < RecommendedOpenFiles
            ? CheckResult.Warn(Name, $"{detail}; each partition keeps several files open and each connection one", $"ulimit -n {RecommendedOpenFiles} (systemd: LimitNOFILE={RecommendedOpenFiles})")
            : CheckResult.Ok(Name, detail);
    }

    private static CheckResult LockedMemory()
    {
        const string Name = "locked memory (ulimit -l)";
        var limit = FileDescriptors.LockedMemoryLimit();
        var detail = $"soft {Describe(limit.Soft)}, hard {Describe(limit.Hard)}";

        // Since Linux 5.12 io_uring charges its rings to the memory cgroup, not RLIMIT_MEMLOCK; before,
        // every shard's ring counted against this limit.
        if (Environment.OSVersion.Version >= new Version(5, 12))
        {
            return CheckResult.Ok(Name, $"{detail} (not used by io_uring on Linux {Environment.OSVersion.Version.ToString(2)})");
        }

        return limit.Soft < 64L << 20
            ? CheckResult.Warn(Name, $"{detail}; io_uring rings count against it before Linux 5.12", "ulimit -l unlimited (systemd: LimitMEMLOCK=infinity)")
            : CheckResult.Ok(Name, detail);
    }

    private static CheckResult Cpus(int shards)
    {
        const string Name = "CPUs and shards";
        var cpus = Environment.ProcessorCount;
        var detail = $"{cpus} CPUs available, {shards} shards";
        return shards > cpus
            ? CheckResult.Warn(Name, $"{detail}: shards would share cores and preempt each other", $"--shards {cpus}")
            : CheckResult.Ok(Name, detail);
    }

    private static CheckResult TransparentHugePages()
    {
        const string Name = "transparent huge pages";
        var mode = ReadSetting("/sys/kernel/mm/transparent_hugepage/enabled");
        if (mode is null)
        {
            return CheckResult.Ok(Name, "not configurable on this kernel");
        }

        // The file lists every mode with the active one in brackets: "always [madvise] never".
        var active = mode.Split(' ').FirstOrDefault(m => m.StartsWith('['))?.Trim('[', ']') ?? mode;
        return active == "always"
            ? CheckResult.Warn(Name, "always: compaction stalls and RSS growth for a broker's many small allocations", "echo madvise > /sys/kernel/mm/transparent_hugepage/enabled")
            : CheckResult.Ok(Name, active);
    }

    private static CheckResult Swappiness()
    {
        const string Name = "vm.swappiness";
        if (!int.TryParse(ReadSetting("/proc/sys/vm/swappiness"), NumberStyles.None, CultureInfo.InvariantCulture, out var swappiness))
        {
            return CheckResult.Ok(Name, "not readable");
        }

        // Kafka's operations guidance: 1, so the page cache (consumers' reads) is dropped before the heap is swapped.
        return swappiness > 10
            ? CheckResult.Warn(Name, $"{swappiness}: the kernel may swap the broker out to keep page cache", "sysctl -w vm.swappiness=1")
            : CheckResult.Ok(Name, swappiness.ToString(CultureInfo.InvariantCulture));
    }

    private static CheckResult ClockSource()
    {
        const string Name = "clock source";
        var source = ReadSetting("/sys/devices/system/clocksource/clocksource0/current_clocksource");

        // Timestamps, timers and latency histograms read the clock constantly: tsc (or a VM's
        // paravirtual clock) is a memory read, hpet and acpi_pm are slow I/O reads.
        return source is null or "tsc" or "kvm-clock" or "arch_sys_counter"
            ? CheckResult.Ok(Name, source ?? "unknown")
            : CheckResult.Warn(Name, $"{source}: every clock read is slow", "echo tsc > /sys/devices/system/clocksource/clocksource0/current_clocksource");
    }

    private static string Describe(long limit) => limit == long.MaxValue ? "unlimited" : limit.ToString(CultureInfo.InvariantCulture);
}

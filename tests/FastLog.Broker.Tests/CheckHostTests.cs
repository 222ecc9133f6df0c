using FastLog.Testing;

namespace FastLog.Broker.Tests;

/// <summary>`fastlog check-host` on this machine: one row per check, and FAIL (exit 1) where a broker could not run.</summary>
public sealed class CheckHostTests
{
    private static readonly string[] OkOrWarn = ["OK", "WARN"];

    [Fact]
    public async Task OnThisMachine_EveryCheckReports_AndNoneFails()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("fastlog-check-host-").FullName;
        try
        {
            var (exitCode, output) = await FastlogExecutable.RunToExitAsync("check-host", "--data-dir", dataDirectory, "--probe-seconds", "0.2");

            var rows = Rows(output);
            Assert.Equal(0, exitCode);
            Assert.DoesNotContain(rows.Values, status => status == "FAIL");
            // The machines FastLog is built and tested on have io_uring and O_DIRECT (ARCHITECTURE.md §5).
            Assert.Equal("OK", rows["io_uring"]);
            Assert.Equal("OK", rows["O_DIRECT"]);
            Assert.Equal("OK", rows["data directory"]);
            foreach (var check in new[] { "open files (ulimit -n)", "locked memory (ulimit -l)", "CPUs and shards", "transparent huge pages", "vm.swappiness", "clock source", "filesystem", "free space", "disk write (O_DIRECT)", "write + fdatasync" })
            {
                Assert.Contains(rows[check], OkOrWarn);
            }

            Assert.Matches(@"write \+ fdatasync\s+\w+\s+4 KiB: p50 [\d.]+ ms, p99 [\d.]+ ms over [1-9]\d* syncs", output);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dataDirectory)); // the probes cleaned up
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task EveryLogDirsEntryOfTheConfig_IsChecked_AndDirectoriesSharingADisk_Warn()
    {
        var root = Directory.CreateTempSubdirectory("fastlog-check-host-").FullName;
        try
        {
            var (first, second) = (Path.Combine(root, "disk1"), Path.Combine(root, "disk2"));
            var config = Path.Combine(root, "server.properties");
            await File.WriteAllTextAsync(config, $"log.dirs={first},{second}\n");

            var (exitCode, output) = await FastlogExecutable.RunToExitAsync("check-host", "--config", config, "--probe-seconds", "0.1");

            var rows = Rows(output);
            Assert.Equal(0, exitCode);
            foreach (var directory in new[] { first, second })
            {
                Assert.Equal("OK", rows[$"data directory {directory}"]);
                Assert.Contains(rows[$"free space {directory}"], OkOrWarn);
                Assert.Contains(rows[$"write + fdatasync {directory}"], OkOrWarn);
            }

            // Both under one temp directory: one filesystem, so no throughput gained from listing both.
            Assert.Equal("WARN", rows["log.dirs on separate disks"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task AnUnusableDataDirectory_Fails_WithTheFix()
    {
        var (exitCode, output) = await FastlogExecutable.RunToExitAsync("check-host", "--data-dir", "/proc/fastlog-data", "--probe-seconds", "0.2");

        Assert.Equal(1, exitCode);
        Assert.Equal("FAIL", Rows(output)["data directory"]);
        Assert.Contains("--data-dir", output, StringComparison.Ordinal);
    }

    /// <summary>CHECK -> STATUS from the table (columns are separated by two or more spaces).</summary>
    private static Dictionary<string, string> Rows(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(line => System.Text.RegularExpressions.Regex.Split(line, " {2,}"))
            .ToDictionary(fields => fields[0], fields => fields[1]);
}

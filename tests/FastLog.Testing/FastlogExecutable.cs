using System.Diagnostics;

namespace FastLog.Testing;

/// <summary>
/// The `fastlog` executable under test: where it is and how to run it. By default the fastlog.dll
/// next to the running assembly (a reference to the executable's project copies it there);
/// FASTLOG_TEST_BROKER names a published `fastlog` (Native AOT or single-file) to test instead.
/// </summary>
public static class FastlogExecutable
{
    public static string DefaultPath { get; } = Environment.GetEnvironmentVariable("FASTLOG_TEST_BROKER") ?? Path.Combine(AppContext.BaseDirectory, "fastlog.dll");

    /// <summary>The command line that runs <paramref name="path"/>: a published fastlog runs itself, a fastlog.dll runs on dotnet.</summary>
    public static string[] Command(string path) => path.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", path] : [path];

    /// <summary>Runs it with <paramref name="args"/> until it exits (within a minute); its exit code and output (stdout then stderr).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args)
    {
        var command = Command(DefaultPath);
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in command.Skip(1).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}

using System.Diagnostics;

namespace FastLog.Broker.Tests;

/// <summary>Runs the real `fastlog` executable (built next to the tests) with some arguments until it exits.</summary>
internal static class FastlogExecutable
{
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Prepend(Path.Combine(AppContext.BaseDirectory, "fastlog.dll")))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

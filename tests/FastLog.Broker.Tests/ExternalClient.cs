using System.Diagnostics;

namespace FastLog.Broker.Tests;

/// <summary>Runs an independent Kafka client (kcat, node with kafkajs, python with kafka-python) to completion.</summary>
internal static class ExternalClient
{
    /// <summary>The client's stdout once it exits 0 within <paramref name="timeout"/>; fails the test with its stderr and <paramref name="installHint"/> otherwise.</summary>
    public static async Task<string> RunAsync(string program, string installHint, string? input, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start ({installHint})");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {process.ExitCode} ({installHint}): {await stderr}");
        return await stdout;
    }
}

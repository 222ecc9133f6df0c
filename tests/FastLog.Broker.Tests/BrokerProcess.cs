using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace FastLog.Broker.Tests;

/// <summary>
/// The real `fastlog serve` executable in a child process (fastlog.dll sits next to the test
/// assembly), for what an in-process broker cannot show: SIGKILL and SIGTERM.
/// </summary>
internal sealed partial class BrokerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BrokerProcess(string dataDirectory, params string[] extraArgs)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "fastlog.dll"), "serve", "--listen", "127.0.0.1:0", "--data-dir", dataDirectory, "--shards", "2", "--metrics", "off" }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start fastlog");
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port => _port.Task.Result;

    public string BootstrapServers => $"127.0.0.1:{Port}";

    public List<string> Output { get; } = [];

    public static async Task<BrokerProcess> StartAsync(string dataDirectory, params string[] extraArgs)
    {
        var broker = new BrokerProcess(dataDirectory, extraArgs);
        try
        {
            await broker._port.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return broker;
        }
        catch (TimeoutException)
        {
            broker.Kill();
            throw new TimeoutException("fastlog did not start: " + string.Join('\n', broker.Output));
        }
    }

    /// <summary>SIGKILL: no flush, no shutdown marker.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, the way a service manager stops it; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        _ = SendSignal(_process.Id, SigTerm);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (Output)
        {
            Output.Add(line);
        }

        if (ServingLine().Match(line) is { Success: true } match)
        {
            _port.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private const int SigTerm = 15;

    [GeneratedRegex(@"serving Kafka on [^ ]+:(\d+)")]
    private static partial Regex ServingLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}

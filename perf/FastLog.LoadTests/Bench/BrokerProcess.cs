using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Confluent.Kafka;

namespace FastLog.LoadTests.Bench;

/// <summary>
/// A `fastlog serve` child process under test, on a fixed loopback port so it keeps its address
/// across restarts. Its output is appended to a log file in the report directory. Only the bench
/// thread uses an instance.
/// </summary>
internal sealed partial class BrokerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _disposed;

    private BrokerProcess(Process process, StreamWriter log, int port)
    {
        _process = process;
        _log = log;
        Port = port;
        Sampler = new ProcessSampler(process.Id);
    }

    public int Port { get; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    public ProcessSampler Sampler { get; }

    /// <summary>From process start until a Metadata request was answered.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>The broker's own "ready in N ms" (its start-up after the runtime started), once logged.</summary>
    public int? ReportedReadyMs { get; private set; }

    /// <summary>Starts the broker and waits until it answers Metadata.</summary>
    public static async Task<BrokerProcess> StartAsync(string brokerDll, string dataDirectory, int port, string logPath, params string[] extraArgs)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { brokerDll, "serve", "--listen", $"127.0.0.1:{port}", "--data-dir", dataDirectory, "--metrics", "off" }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        long started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the broker");
        var broker = new BrokerProcess(process, log, port);
        process.OutputDataReceived += (_, e) => broker.Log(e.Data);
        process.ErrorDataReceived += (_, e) => broker.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await broker.WaitServingAsync(TimeSpan.FromMinutes(5));
            broker.StartupTime = Stopwatch.GetElapsedTime(started);
            return broker;
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    /// <summary>A free loopback port (bound and released; the broker binds it right after).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>SIGTERM (a clean stop: flush, checkpoint, shutdown marker); returns how long it took.</summary>
    public async Task<TimeSpan> TerminateAsync()
    {
        long started = Stopwatch.GetTimestamp();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>SIGKILL: no flush, no shutdown marker; the next start recovers.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    private async Task WaitServingAsync(TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the broker exited with code {_process.ExitCode}; see its log");
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("the broker did not start serving");
            }

            if (await AcceptsConnectionAsync())
            {
                // Connection errors while the broker comes up are expected: keep librdkafka's log quiet.
                using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
                if (admin.GetMetadata(TimeSpan.FromSeconds(5)).Brokers.Count > 0)
                {
                    return;
                }
            }

            await Task.Delay(5);
        }
    }

    private async Task<bool> AcceptsConnectionAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            if (ReadyLine().Match(line) is { Success: true } ready)
            {
                ReportedReadyMs = int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture);
            }

            lock (_log)
            {
                try
                {
                    _log.WriteLine(line);
                }
                catch (IOException)
                {
                    // A full disk (the broker's data shares it) must not kill the bench on this
                    // output thread: the run fails where it can say why, and its work dir is removed.
                }
            }
        }
    }

    [GeneratedRegex(@"serving Kafka on .* ready in (\d+) ms")]
    private static partial Regex ReadyLine();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        // The no-argument wait also waits for the redirected output to drain before the log closes.
        _process.WaitForExit();
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}

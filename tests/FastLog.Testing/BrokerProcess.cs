using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using FastLog.Client;
using FastLog.Protocol;

namespace FastLog.Testing;

/// <summary>
/// The real `fastlog serve` executable in a child process on 127.0.0.1 (metrics off), for what an
/// in-process broker cannot show: SIGKILL, SIGTERM, start-up and recovery times, the process's own
/// CPU and memory. It counts as started once it logged that it serves and answered a Metadata
/// request. Its output (stdout and stderr) is kept for the error of a failed start and appended to
/// <see cref="BrokerProcessOptions.LogPath"/> when given.
/// Threads: one caller at a time; the process's output arrives on the runtime's reader threads
/// (the serving line completes <see cref="_serving"/>; the kept output and the log are under the lock of <see cref="_output"/>).
/// </summary>
public sealed partial class BrokerProcess : IDisposable
{
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;
    private const short MetadataVersion = 12;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ProbeRetryDelay = TimeSpan.FromMilliseconds(5);

    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly StreamWriter? _log;
    private readonly TaskCompletionSource<(int Port, int ReadyMs)> _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _host;
    private bool _disposed;

    private BrokerProcess(BrokerProcessOptions options)
    {
        _host = options.Host;
        var broker = FastlogExecutable.Command(options.BrokerDll);
        string[] command = [.. options.CommandPrefix, .. options.FileDescriptorLimit is { } n ? ["prlimit", $"--nofile={n}:{n}", .. broker] : broker];
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1).Concat(["serve", "--listen", $"{options.Host}:{options.Port}", "--data-dir", options.DataDirectory, "--metrics", "off"]).Concat(options.Arguments))
        {
            start.ArgumentList.Add(arg);
        }

        _log = options.LogPath is null ? null : new StreamWriter(options.LogPath, append: true) { AutoFlush = true };
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start fastlog");
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The port it serves Kafka on.</summary>
    public int Port => _serving.Task.Result.Port;

    public string BootstrapServers => $"{_host}:{Port}";

    /// <summary>For sampling the broker's CPU and memory from /proc.</summary>
    public int ProcessId => _process.Id;

    /// <summary>From process start until a Metadata request was answered.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>The broker's own "ready in N ms" (its start-up after the runtime started).</summary>
    public int ReportedReadyMs => _serving.Task.Result.ReadyMs;

    /// <summary>Starts the broker and waits until it serves; a broker that exits or times out first is an exception with its output.</summary>
    public static async Task<BrokerProcess> StartAsync(BrokerProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        var broker = new BrokerProcess(options);
        try
        {
            using var timeout = new CancellationTokenSource(options.StartTimeout);
            await broker.WaitServingAsync(timeout.Token).ConfigureAwait(false);
            broker.StartupTime = Stopwatch.GetElapsedTime(started);
            return broker;
        }
        catch (OperationCanceledException)
        {
            broker.Dispose();
            throw new TimeoutException($"fastlog did not serve within {options.StartTimeout.TotalSeconds:0} s: {broker.OutputText()}");
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    /// <summary>A free loopback port (bound and released; a broker started on it binds it right after).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range. The broker keeps its port across
    /// restarts, and while it is down the clients keep connecting to it: a port in the ephemeral
    /// range can then be taken by a client's own connect (a TCP self-connect, source port = the
    /// port it dials), and the restarted broker finds it in use (the chaos harness's first 100-kill
    /// run met it).
    /// </summary>
    public static int StablePort()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var ephemeralStart = int.Parse(range[0], CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(Math.Max(1024, ephemeralStart - 10_000), ephemeralStart);
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // taken: try another
            }
        }

        throw new InvalidOperationException($"no free loopback port below the ephemeral range (from {ephemeralStart})");
    }

    /// <summary>The exit code once the process has ended (killed, stopped, or on its own); null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>SIGKILL: no flush, no checkpoint, no shutdown marker; the next start recovers.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>SIGSTOP: the whole process stalls (as under a long GC pause, swapping or a frozen VM); its sockets stay open and the kernel keeps accepting.</summary>
    public void Pause() => _ = SendSignal(_process.Id, SigStop);

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => _ = SendSignal(_process.Id, SigCont);

    /// <summary>SIGTERM, the way a service manager stops it (a clean stop: flush, checkpoint, shutdown marker); returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        _ = SendSignal(_process.Id, SigTerm);
        await _process.WaitForExitAsync().WaitAsync(StopTimeout).ConfigureAwait(false);
        return _process.ExitCode;
    }

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
        lock (_output)
        {
            _log?.Dispose();
        }
    }

    /// <summary>Until the serving line and then a Metadata answer, or the process's exit.</summary>
    private async Task WaitServingAsync(CancellationToken cancel)
    {
        var exited = _process.WaitForExitAsync(cancel);
        if (await Task.WhenAny(_serving.Task, exited).WaitAsync(cancel).ConfigureAwait(false) == exited)
        {
            await exited.ConfigureAwait(false);
            throw new InvalidOperationException($"fastlog exited with code {_process.ExitCode} before it served: {OutputText()}");
        }

        while (!await AnswersMetadataAsync(cancel).ConfigureAwait(false))
        {
            await Task.Delay(ProbeRetryDelay, cancel).ConfigureAwait(false);
        }
    }

    private async Task<bool> AnswersMetadataAsync(CancellationToken cancel)
    {
        try
        {
            using var client = await KafkaClientConnection.ConnectAsync(new IPEndPoint(IPAddress.Parse(_host), Port), new KafkaClientOptions { ClientId = "fastlog-testing" }, cancel).ConfigureAwait(false);
            var metadata = await client.SendAsync<MetadataResponse>(new MetadataRequest { AllowAutoTopicCreation = false }, MetadataVersion, cancel).ConfigureAwait(false);
            return metadata.Brokers.Count > 0;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException)
        {
            return _process.HasExited ? throw new InvalidOperationException($"fastlog exited with code {_process.ExitCode} before it served: {OutputText()}", e) : false;
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (ServingLine().Match(line) is { Success: true } match)
        {
            _serving.TrySetResult((Parse(match.Groups[1].Value), Parse(match.Groups[2].Value)));
        }

        lock (_output)
        {
            _output.Add(line);
            try
            {
                _log?.WriteLine(line);
            }
            catch (IOException)
            {
                // A full disk (the broker's data may share it) must not fail the caller on this
                // output thread: the run fails where it can say why.
            }
        }
    }

    private string OutputText()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    private static int Parse(string digits) => int.Parse(digits, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"serving Kafka on [^ ]+:(\d+) .* ready in (\d+) ms")]
    private static partial Regex ServingLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}

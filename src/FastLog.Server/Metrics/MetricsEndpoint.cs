using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FastLog.Server.Metrics;

/// <summary>
/// A minimal HTTP/1.1 responder for Prometheus: GET /metrics returns the text exposition format.
/// It runs on the thread pool, off the shards: a scrape every few seconds is not hot-path work, and
/// a hand-rolled responder keeps the broker free of a web framework (and allows port 0 in tests).
/// </summary>
internal sealed class MetricsEndpoint : IAsyncDisposable
{
    private const int MaxRequestHeaderBytes = 8192;

    private readonly TcpListener _listener;
    private readonly Func<CancellationToken, Task<string>> _render;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public MetricsEndpoint(IPEndPoint bindTo, Func<CancellationToken, Task<string>> render, ILogger logger)
    {
        _render = render;
        _logger = logger;
        _listener = new TcpListener(bindTo);
        try
        {
            _listener.Start();
        }
        catch (SocketException e)
        {
            _listener.Dispose();
            // A start-up failure is one line naming the setting (Program prints IOException messages).
            throw new IOException($"metrics endpoint {bindTo}: {e.Message} (set --metrics / fastlog.metrics.listen to another HOST:PORT, or 'off')", e);
        }

        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndpoint;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var stream = client.GetStream();
            var requestLine = await ReadRequestHeadAsync(stream, timeout.Token).ConfigureAwait(false);
            var (status, body) = requestLine is not null && (requestLine.StartsWith("GET /metrics ", StringComparison.Ordinal) || requestLine.StartsWith("GET / ", StringComparison.Ordinal))
                ? ("200 OK", await _render(timeout.Token).ConfigureAwait(false))
                : ("404 Not Found", "Only GET /metrics is served here.\n");
            var bodyBytes = Encoding.UTF8.GetBytes(body);
            var head = $"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {bodyBytes.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token).ConfigureAwait(false);
            await stream.WriteAsync(bodyBytes, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug(e, "Metrics request failed");
        }
    }

    /// <summary>Reads up to the blank line ending the request head; returns the request line, or null if it is too long or cut short.</summary>
    private static async Task<string?> ReadRequestHeadAsync(NetworkStream stream, CancellationToken cancel)
    {
        var buffer = new byte[MaxRequestHeaderBytes];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(filled), cancel).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            filled += n;
            var head = Encoding.ASCII.GetString(buffer, 0, filled);
            if (head.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                return head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

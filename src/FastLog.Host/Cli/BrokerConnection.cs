using System.Buffers.Binary;
using System.Net.Sockets;
using FastLog.Broker.Configuration;
using FastLog.Protocol;

namespace FastLog.Host.Cli;

/// <summary>
/// One plain TCP connection to a running broker for the topic commands: sends a request with
/// FastLog's codec at a version the broker serves and waits for its response (one at a time, so
/// no ApiVersions negotiation or pipelining is needed). Failures become <see cref="CliException"/>s.
/// </summary>
internal sealed class BrokerConnection : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Largest response accepted: a guard against reading garbage as a length.</summary>
    private const int MaxResponseBytes = 64 * 1024 * 1024;

    private readonly TcpClient _tcp;
    private readonly HostPort _broker;
    private int _correlationId;

    private BrokerConnection(TcpClient tcp, HostPort broker)
    {
        _tcp = tcp;
        _broker = broker;
    }

    public static async Task<BrokerConnection> ConnectAsync(HostPort broker, CancellationToken cancel)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(ConnectTimeout);
            await tcp.ConnectAsync(broker.Host, broker.Port, timeout.Token).ConfigureAwait(false);
            return new BrokerConnection(tcp, broker);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            tcp.Dispose();
            throw new CliException($"cannot reach the broker at {broker}: {(e is SocketException ? e.Message : "connection timed out")}");
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async Task<TResponse> SendAsync<TResponse>(KafkaMessage request, short version, CancellationToken cancel)
        where TResponse : KafkaMessage, new()
    {
        var header = new RequestHeader { ApiKey = request.ApiKey, ApiVersion = version, CorrelationId = ++_correlationId, ClientId = "fastlog-cli" };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(ResponseTimeout);
        try
        {
            var stream = _tcp.GetStream();
            using (var writer = new KafkaWriter())
            {
                RequestFrame.Write(writer, header, request);
                await stream.WriteAsync(writer.WrittenMemory, timeout.Token).ConfigureAwait(false);
            }

            var size = new byte[4];
            await stream.ReadExactlyAsync(size, timeout.Token).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadInt32BigEndian(size);
            if (length is < 4 or > MaxResponseBytes)
            {
                throw new CliException($"the broker at {_broker} sent a response of {length} bytes to {request.ApiKey}: not a Kafka broker?");
            }

            var frame = new byte[length];
            await stream.ReadExactlyAsync(frame, timeout.Token).ConfigureAwait(false);
            var response = ResponseFrame.Read<TResponse>(frame, version, out var correlationId);
            return correlationId == header.CorrelationId
                ? response
                : throw new CliException($"the broker at {_broker} answered request {correlationId}, not {header.CorrelationId}");
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or SocketException)
        {
            throw new CliException($"the broker at {_broker} closed the connection during {request.ApiKey} v{version} (does it serve that version?): {e.Message}");
        }
        catch (ProtocolException e)
        {
            throw new CliException($"the broker at {_broker} sent an undecodable {request.ApiKey} response: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new CliException($"the broker at {_broker} did not answer {request.ApiKey} within {ResponseTimeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => _tcp.Dispose();
}

using System.Net;
using System.Net.Sockets;
using FastLog.Broker.Configuration;
using FastLog.Client;
using FastLog.Protocol;

namespace FastLog.Host.Cli;

/// <summary>
/// The topic commands' connection to a running broker: FastLog's wire client
/// (<see cref="KafkaClientConnection"/>), one request at a time at a version the broker serves
/// (so no ApiVersions negotiation or pipelining is needed), with its failures said the CLI's way
/// as <see cref="CliException"/>s that name the broker and the request.
/// </summary>
internal sealed class BrokerConnection : IDisposable
{
    private static readonly KafkaClientOptions Options = new()
    {
        ClientId = "fastlog-cli",
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ResponseTimeout = TimeSpan.FromSeconds(30),
        MaxResponseBytes = 64 * 1024 * 1024,
    };

    private readonly KafkaClientConnection _connection;
    private readonly HostPort _broker;

    private BrokerConnection(KafkaClientConnection connection, HostPort broker)
    {
        _connection = connection;
        _broker = broker;
    }

    public static async Task<BrokerConnection> ConnectAsync(HostPort broker, CancellationToken cancel)
    {
        try
        {
            return new BrokerConnection(await KafkaClientConnection.ConnectAsync(new DnsEndPoint(broker.Host, broker.Port), Options, cancel).ConfigureAwait(false), broker);
        }
        catch (Exception e) when (e is SocketException or TimeoutException && !cancel.IsCancellationRequested)
        {
            throw new CliException($"cannot reach the broker at {broker}: {(e is SocketException ? e.Message : "connection timed out")}");
        }
    }

    public async Task<TResponse> SendAsync<TResponse>(KafkaMessage request, short version, CancellationToken cancel)
        where TResponse : KafkaMessage, new()
    {
        try
        {
            return await _connection.SendAsync<TResponse>(request, version, cancel).ConfigureAwait(false);
        }
        catch (ResponseSizeException e)
        {
            throw new CliException($"the broker at {_broker} sent a response of {e.Size} bytes to {request.ApiKey}: not a Kafka broker?");
        }
        catch (CorrelationIdMismatchException e)
        {
            throw new CliException($"the broker at {_broker} answered request {e.Answered}, not {e.Expected}");
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw new CliException($"the broker at {_broker} closed the connection during {request.ApiKey} v{version} (does it serve that version?): {e.Message}");
        }
        catch (ProtocolException e)
        {
            throw new CliException($"the broker at {_broker} sent an undecodable {request.ApiKey} response: {e.Message}");
        }
        catch (TimeoutException)
        {
            throw new CliException($"the broker at {_broker} did not answer {request.ApiKey} within {Options.ResponseTimeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => _connection.Dispose();
}

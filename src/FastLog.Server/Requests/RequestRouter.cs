using System.Diagnostics;
using FastLog.Protocol;
using FastLog.Server.Network;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace FastLog.Server.Requests;

/// <summary>
/// Decodes each request frame, hands it to the handler of its API and encodes the response.
/// Kafka's rules for what cannot be served: an ApiVersions request at a version above the
/// broker's is answered at v0 with UNSUPPORTED_VERSION and the supported ranges (so the client
/// can retry lower); an unknown API key, an unsupported version of any other API, or bytes that
/// do not decode close the connection. A handler that fails (it should answer every failure it
/// expects with an error code) also closes the connection: the cause is logged here, since the
/// connection's own log would only see a closed socket.
/// </summary>
internal sealed class RequestRouter : IRequestDispatcher
{
    private readonly Dictionary<ApiKey, IApiHandler> _handlers;
    private readonly BrokerServices _broker;
    private readonly ILogger _logger;
    private readonly ObjectPool<KafkaWriter> _writers = new DefaultObjectPool<KafkaWriter>(new KafkaWriterPoolPolicy(), maximumRetained: 256);

    /// <summary>
    /// A router for <paramref name="handlers"/>, which must cover exactly the APIs the codec
    /// implements (<see cref="SupportedApis"/>): ApiVersions advertises those, so a missing handler
    /// would be an advertised API that closes the connection. Throws when they differ.
    /// </summary>
    public RequestRouter(IEnumerable<IApiHandler> handlers, BrokerServices broker)
    {
        _handlers = handlers.ToDictionary(h => h.ApiKey);
        _broker = broker;
        var supported = SupportedApis.All.Select(api => api.ApiKey).ToHashSet();
        var unhandled = supported.Where(key => !_handlers.ContainsKey(key)).ToList();
        var undecodable = _handlers.Keys.Where(key => !supported.Contains(key)).ToList();
        if (unhandled.Count > 0 || undecodable.Count > 0)
        {
            throw new InvalidOperationException(
                $"Handlers and SupportedApis differ: no handler for [{string.Join(", ", unhandled)}], not in SupportedApis [{string.Join(", ", undecodable)}].");
        }

        _logger = broker.Loggers.CreateLogger("FastLog.Broker.Requests");
    }

    public async ValueTask<OutgoingResponse?> DispatchAsync(ConnectionContext connection, ReadOnlyMemory<byte> frame)
    {
        var started = Stopwatch.GetTimestamp();
        RequestFrame request;
        try
        {
            request = RequestFrame.Decode(frame);
        }
        catch (ProtocolException e)
        {
            throw new MalformedRequestException($"undecodable request: {e.Message}", e);
        }

        var header = request.Header;
        var context = new RequestContext(header, connection, _broker);
        KafkaMessage? response;
        short? responseVersion = null;
        switch (request.Status)
        {
            case RequestStatus.UnsupportedVersion when header.ApiKey == ApiKey.ApiVersions:
                response = ApiVersionsResponse.ForUnsupportedVersion();
                responseVersion = 0;
                break;
            case RequestStatus.Ok when _handlers.TryGetValue(header.ApiKey, out var handler):
                try
                {
                    response = await handler.HandleAsync(context, request.Body!);
                }
                catch (Exception e)
                {
                    ReleaseResources(context);
                    if (e is not (OperationCanceledException or MalformedRequestException))
                    {
                        _logger.LogError(e, "{Api} v{Version} failed; closing the connection", header.ApiKey, header.ApiVersion);
                    }

                    throw;
                }

                break;
            default:
                throw new MalformedRequestException($"{header.ApiKey} v{header.ApiVersion} is not served by this broker (client {LogText.Sanitize(header.ClientId)})");
        }

        _broker.Metrics.ForCurrentShard().RecordRequest((int)header.ApiKey, Stopwatch.GetTimestamp() - started);
        if (response is null)
        {
            ReleaseResources(context);
            return null;
        }

        var writer = _writers.Get();
        ResponseFrame.Write(writer, header, response, responseVersion);
        return new EncodedResponse(writer, _writers, context.ResponseResources);
    }

    private static void ReleaseResources(RequestContext context)
    {
        foreach (var resource in context.ResponseResources)
        {
            resource.Dispose();
        }
    }
}

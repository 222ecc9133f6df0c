using FastLog.Protocol;

namespace FastLog.Server.Requests;

/// <summary>Serves one Kafka API. Handlers run on the connection's shard and must never block it.</summary>
internal interface IApiHandler
{
    ApiKey ApiKey { get; }

    /// <summary>The response, or null when the request gets none (Produce with acks=0).</summary>
    ValueTask<KafkaMessage?> HandleAsync(RequestContext context, KafkaMessage request);
}

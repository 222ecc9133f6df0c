using FastLog.Protocol;

namespace FastLog.Server.Requests;

/// <summary>Typed base of a handler: one subclass per API, in Handlers/.</summary>
internal abstract class ApiHandler<TRequest> : IApiHandler
    where TRequest : KafkaMessage
{
    public abstract ApiKey ApiKey { get; }

    public ValueTask<KafkaMessage?> HandleAsync(RequestContext context, KafkaMessage request) => HandleAsync(context, (TRequest)request);

    protected abstract ValueTask<KafkaMessage?> HandleAsync(RequestContext context, TRequest request);
}

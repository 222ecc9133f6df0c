using FastLog.Protocol;
using FastLog.Server.Requests;
using static FastLog.Server.Handlers.TopicConfigAlteration;

namespace FastLog.Server.Handlers;

/// <summary>
/// AlterConfigs: the configs given for a topic become its whole set of overrides (Kafka's
/// replace-all semantics; everything not given returns to its default), validated as a whole,
/// persisted, then applied to the topic's open partitions (see <see cref="TopicConfigAlteration"/>).
/// </summary>
internal sealed class AlterConfigsHandler : ApiHandler<AlterConfigsRequest>
{
    public override ApiKey ApiKey => ApiKey.AlterConfigs;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, AlterConfigsRequest request) =>
        await ControllerForwarding.TryForwardAsync<AlterConfigsResponse>(context, request)
        ?? await AlterAsync<AlterConfigsRequest, ConfigEntry, AlterConfigsResponse>(context.Broker, request, replaceAll: true, (_, entry) => new ConfigChange(entry.Name, entry.Value));
}

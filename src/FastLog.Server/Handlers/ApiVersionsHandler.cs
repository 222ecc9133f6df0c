using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// ApiVersions: the APIs and version ranges this broker serves, which are exactly the codec's
/// (<see cref="RequestRouter"/> checks that every one has a handler; the too-high-version rule is there too).
/// </summary>
internal sealed class ApiVersionsHandler : ApiHandler<ApiVersionsRequest>
{
    public override ApiKey ApiKey => ApiKey.ApiVersions;

    protected override ValueTask<KafkaMessage?> HandleAsync(RequestContext context, ApiVersionsRequest request) =>
        ValueTask.FromResult<KafkaMessage?>(ApiVersionsResponse.FromSupportedApis());
}

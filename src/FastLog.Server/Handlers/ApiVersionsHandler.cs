using FastLog.Server.Requests;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>ApiVersions: the APIs and version ranges this broker serves (the too-high-version rule is in <see cref="RequestRouter"/>).</summary>
internal sealed class ApiVersionsHandler(Func<IEnumerable<SupportedApi>> servedApis) : ApiHandler<ApiVersionsRequest>
{
    public override ApiKey ApiKey => ApiKey.ApiVersions;

    protected override ValueTask<KafkaMessage?> HandleAsync(RequestContext context, ApiVersionsRequest request) =>
        ValueTask.FromResult<KafkaMessage?>(ApiVersionsResponse.FromSupportedApis(servedApis()));
}

using FastLog.Protocol;
using FastLog.Server.Handlers;
using FastLog.Server.Requests;

namespace FastLog.Server.Tests;

/// <summary>The registered handlers and the codec's SupportedApis are the same set, and the router refuses anything else.</summary>
public sealed class ApiHandlersTests
{
    [Fact]
    public void EverySupportedApi_HasExactlyOneHandler_AndEveryHandlerIsSupported()
    {
        var handled = ApiHandlers.All.Select(h => h.ApiKey).ToList();
        Assert.Equal(handled.Count, handled.Distinct().Count());
        Assert.Equal(SupportedApis.All.Select(a => a.ApiKey).Order(), handled.Order());
    }

    [Fact]
    public void RequestRouter_RefusesAMissingHandler()
    {
        var withoutFetch = ApiHandlers.All.Where(h => h.ApiKey != ApiKey.Fetch);
        var error = Assert.Throws<InvalidOperationException>(() => new RequestRouter(withoutFetch, null!));
        Assert.Contains("no handler for [Fetch]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestRouter_RefusesAHandlerForAnApiTheCodecDoesNotDecode()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RequestRouter([.. ApiHandlers.All, new UndecodableApiHandler()], null!));
        Assert.Contains("not in SupportedApis [" + (ApiKey)1000 + "]", error.Message, StringComparison.Ordinal);
    }

    private sealed class UndecodableApiHandler : IApiHandler
    {
        public ApiKey ApiKey => (ApiKey)1000;

        public ValueTask<KafkaMessage?> HandleAsync(RequestContext context, KafkaMessage request) => ValueTask.FromResult<KafkaMessage?>(null);
    }
}

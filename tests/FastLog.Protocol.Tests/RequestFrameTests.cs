namespace FastLog.Protocol.Tests;

public sealed class RequestFrameTests
{
    [Fact]
    public void TooNewApiVersions_IsReportedAsUnsupported_WithItsCorrelationId()
    {
        // ApiVersions v4 (unsupported here) from a newer client, header v2, body not parsed.
        var frame = Frame(new RequestHeader { ApiKey = ApiKey.ApiVersions, ApiVersion = 4, CorrelationId = 77, ClientId = "x" }, [0xDE, 0xAD]);
        var decoded = RequestFrame.Decode(frame);
        Assert.Equal(RequestStatus.UnsupportedVersion, decoded.Status);
        Assert.Equal(ApiKey.ApiVersions, decoded.Header.ApiKey);
        Assert.Equal(77, decoded.Header.CorrelationId);
        Assert.Null(decoded.Body);
    }

    [Fact]
    public void DowngradedApiVersionsResponse_ReadsBackAsV0()
    {
        using var writer = new KafkaWriter();
        var request = new RequestHeader { ApiKey = ApiKey.ApiVersions, ApiVersion = 4, CorrelationId = 3 };
        ResponseFrame.Write(writer, request, ApiVersionsResponse.ForUnsupportedVersion(), version: 0);
        var response = ResponseFrame.Read<ApiVersionsResponse>(writer.WrittenMemory[4..], 0, out var correlationId);
        Assert.Equal(3, correlationId);
        Assert.Equal(ErrorCode.UnsupportedVersion, response.ErrorCode);
        var range = Assert.Single(response.ApiKeys);
        Assert.Equal((short)ApiKey.ApiVersions, range.ApiKey);
        Assert.Equal(0, range.MinVersion);
        Assert.Equal(3, range.MaxVersion);
    }

    [Fact]
    public void OldProduceVersion_IsUnsupported()
    {
        var decoded = RequestFrame.Decode(Frame(new RequestHeader { ApiKey = ApiKey.Produce, ApiVersion = 2, CorrelationId = 1 }, []));
        Assert.Equal(RequestStatus.UnsupportedVersion, decoded.Status);
    }

    [Theory]
    [InlineData((short)999)]
    [InlineData((short)-1)]
    [InlineData((short)ApiKey.SaslHandshake)]
    public void UnknownApiKey_IsReported(short apiKey)
    {
        var decoded = RequestFrame.Decode(Frame(new RequestHeader { ApiKey = (ApiKey)apiKey, ApiVersion = 0, CorrelationId = 12 }, [1, 2, 3]));
        Assert.Equal(RequestStatus.UnknownApiKey, decoded.Status);
        Assert.Equal(12, decoded.Header.CorrelationId);
    }

    [Fact]
    public void EverySupportedRequest_DispatchesToItsType()
    {
        foreach (var api in SupportedApis.All)
        {
            var header = new RequestHeader { ApiKey = api.ApiKey, ApiVersion = api.MaxVersion, CorrelationId = 5, ClientId = "id" };
            using var writer = new KafkaWriter();
            RequestFrame.Write(writer, header, api.CreateRequest());
            var decoded = RequestFrame.Decode(writer.WrittenMemory[4..]);
            Assert.Equal(RequestStatus.Ok, decoded.Status);
            Assert.Equal(api.CreateRequest().GetType(), decoded.Body!.GetType());
            Assert.Equal("id", decoded.Header.ClientId);
        }
    }

    [Fact]
    public void ApiVersionsResponse_FromSupportedApis_ListsEveryKafkaApi_AndNoPrivateOne()
    {
        using var writer = new KafkaWriter();
        ApiVersionsResponse.FromSupportedApis().Write(writer, 3);
        var reader = new KafkaReader(writer.WrittenMemory);
        var response = ApiVersionsResponse.Read(ref reader, 3);
        Assert.Equal(SupportedApis.Advertised.Select(a => (a.ApiKey, a.MinVersion, a.MaxVersion)),
            response.ApiKeys.Select(k => ((ApiKey)k.ApiKey, k.MinVersion, k.MaxVersion)));
        Assert.DoesNotContain(response.ApiKeys, k => (ApiKey)k.ApiKey == ApiKey.FetchMetadataImage);
    }

    [Fact]
    public void FlexibleResponse_GetsResponseHeaderV1()
    {
        using var writer = new KafkaWriter();
        var request = new RequestHeader { ApiKey = ApiKey.Metadata, ApiVersion = 12, CorrelationId = 0x01020304 };
        ResponseFrame.Write(writer, request, new MetadataResponse());
        // size, correlation id, header tagged fields (0), then throttle_time_ms.
        Assert.Equal(new byte[] { 1, 2, 3, 4, 0, 0, 0, 0, 0 }, writer.WrittenSpan[4..13].ToArray());
    }

    private static ReadOnlyMemory<byte> Frame(RequestHeader header, byte[] body)
    {
        using var writer = new KafkaWriter();
        header.Write(writer);
        writer.WriteRaw(body);
        return writer.WrittenSpan.ToArray();
    }
}

namespace FastLog.Protocol.Tests;

/// <summary>
/// FetchMetadataImage (FastLog's own key 10000, an observer's long poll of a voter) against
/// hand-computed bytes: flexible v0 (compact bytes, tagged fields), every truncation refused with
/// <see cref="ProtocolException"/>, a whole frame dispatched to its type, versions past v0 refused.
/// </summary>
public sealed class FetchMetadataImageMessagesTests
{
    private static readonly byte[] RequestBytes =
    [
        0, 0, 0, 4, // node_id 4
        0, 0, 0, 0, 0, 0, 0x01, 0x2C, // image_offset 300
        0, 0, 0, 2, // controller_id 2
        1, // catch_up
        0, 0, 0x03, 0xE8, // max_wait_ms 1000
        0, // tags
    ];

    private static readonly byte[] ResponseBytes =
    [
        0, 0, // error NONE
        0, 0, 0, 2, // controller_id 2
        0, 0, 0, 0, 0, 0, 0x01, 0x2D, // image_offset 301
        4, 0xAA, 0xBB, 0xCC, // compact bytes: length 3 + 1, then the image entry
        0, // tags
    ];

    [Fact]
    public void Request_HasItsBytes_AndRoundTrips()
    {
        var request = new FetchMetadataImageRequest { NodeId = 4, ImageOffset = 300, ControllerId = 2, CatchUp = true, MaxWaitMs = 1000 };
        Assert.Equal(RequestBytes, MessageRoundTripTests.Encode(request, 0));
        var decoded = MessageRoundTripTests.Decode<FetchMetadataImageRequest>(RequestBytes, 0);
        Assert.Equal((4, 300L, 2, true, 1000), (decoded.NodeId, decoded.ImageOffset, decoded.ControllerId, decoded.CatchUp, decoded.MaxWaitMs));
    }

    [Fact]
    public void Request_Defaults_SayNoImageAndNoController()
    {
        var request = new FetchMetadataImageRequest();
        Assert.Equal((-1L, -1), (request.ImageOffset, request.ControllerId));
    }

    [Fact]
    public void Response_HasItsBytes_AndRoundTrips()
    {
        var response = new FetchMetadataImageResponse { ControllerId = 2, ImageOffset = 301, Image = [0xAA, 0xBB, 0xCC] };
        Assert.Equal(ResponseBytes, MessageRoundTripTests.Encode(response, 0));
        var decoded = MessageRoundTripTests.Decode<FetchMetadataImageResponse>(ResponseBytes, 0);
        Assert.Equal((ErrorCode.None, 2, 301L), (decoded.ErrorCode, decoded.ControllerId, decoded.ImageOffset));
        Assert.Equal([0xAA, 0xBB, 0xCC], decoded.Image);
    }

    [Fact]
    public void Response_NothingNew_CarriesAnEmptyImage()
    {
        var response = new FetchMetadataImageResponse { ErrorCode = ErrorCode.InconsistentVoterSet };
        var bytes = MessageRoundTripTests.Encode(response, 0);
        Assert.Equal([0, 94, 0xFF, 0xFF, 0xFF, 0xFF, .. Enumerable.Repeat((byte)0xFF, 8), 1, 0], bytes);
        Assert.Empty(MessageRoundTripTests.Decode<FetchMetadataImageResponse>(bytes, 0).Image);
    }

    [Fact]
    public void EveryTruncation_IsRefused()
    {
        foreach (var (bytes, factory) in new (byte[], Func<KafkaMessage>)[] { (RequestBytes, () => new FetchMetadataImageRequest()), (ResponseBytes, () => new FetchMetadataImageResponse()) })
        {
            for (var cut = 0; cut < bytes.Length; cut++)
            {
                var prefix = bytes.AsMemory(0, cut);
                Assert.Throws<ProtocolException>(() =>
                {
                    var reader = new KafkaReader(prefix);
                    factory().ReadFrom(ref reader, 0);
                });
            }
        }
    }

    [Fact]
    public void ImageLongerThanTheFrame_IsRefused()
    {
        byte[] lying = [.. ResponseBytes[..14], 0xFF, 0x7F, 0xAA, 0]; // compact length 16383 with one byte behind it
        Assert.Throws<ProtocolException>(() => MessageRoundTripTests.Decode<FetchMetadataImageResponse>(lying, 0));
    }

    [Fact]
    public void Frame_DispatchesToTheRequest_AndV1IsUnsupported()
    {
        using var writer = new KafkaWriter();
        RequestFrame.Write(writer, new RequestHeader { ApiKey = ApiKey.FetchMetadataImage, ApiVersion = 0, CorrelationId = 9, ClientId = "fastlog-observer-4" }, new FetchMetadataImageRequest { NodeId = 4 });
        var decoded = RequestFrame.Decode(writer.WrittenMemory[4..]);
        Assert.Equal(RequestStatus.Ok, decoded.Status);
        Assert.Equal(4, Assert.IsType<FetchMetadataImageRequest>(decoded.Body).NodeId);
        Assert.Equal(2, SupportedApis.RequestHeaderVersion(ApiKey.FetchMetadataImage, 0));
        Assert.Equal(1, SupportedApis.ResponseHeaderVersion(ApiKey.FetchMetadataImage, 0));

        writer.Reset();
        RequestFrame.Write(writer, new RequestHeader { ApiKey = ApiKey.FetchMetadataImage, ApiVersion = 0, CorrelationId = 10 }, new FetchMetadataImageRequest());
        var frame = writer.WrittenMemory[4..].ToArray();
        frame[3] = 1; // api_version 1
        Assert.Equal(RequestStatus.UnsupportedVersion, RequestFrame.Decode(frame).Status);
    }
}

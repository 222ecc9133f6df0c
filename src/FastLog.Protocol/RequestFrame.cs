namespace FastLog.Protocol;

/// <summary>
/// A decoded request frame: what the broker gets for each complete frame.
/// <code>
///   size INT32 (read by the connection, not part of the frame given here)
///   | RequestHeader (v1 or v2) | body (the API's request at header.ApiVersion)
/// </code>
/// </summary>
public sealed class RequestFrame
{
    private RequestFrame(RequestHeader header, RequestStatus status, KafkaMessage? body)
    {
        Header = header;
        Status = status;
        Body = body;
    }

    public RequestHeader Header { get; }

    public RequestStatus Status { get; }

    /// <summary>The request body when <see cref="Status"/> is <see cref="RequestStatus.Ok"/>.</summary>
    public KafkaMessage? Body { get; }

    /// <summary>
    /// Decodes one complete frame (without its 4-byte size prefix). Records in the body are
    /// slices of <paramref name="frame"/>. Malformed bytes throw <see cref="ProtocolException"/>;
    /// an unknown key or unsupported version is reported through <see cref="Status"/> with the
    /// header (correlation id) intact so the broker can answer or close per Kafka's rules.
    /// Trailing bytes after the body are ignored, as Kafka does.
    /// </summary>
    public static RequestFrame Decode(ReadOnlyMemory<byte> frame)
    {
        var reader = new KafkaReader(frame);
        var header = RequestHeader.Read(ref reader);
        var api = SupportedApis.Find(header.ApiKey);
        if (api is null)
            return new RequestFrame(header, RequestStatus.UnknownApiKey, null);
        if (!api.Supports(header.ApiVersion))
            return new RequestFrame(header, RequestStatus.UnsupportedVersion, null);
        var body = api.CreateRequest();
        body.ReadFrom(ref reader, header.ApiVersion);
        return new RequestFrame(header, RequestStatus.Ok, body);
    }

    /// <summary>Encodes a whole request frame (size, header, body): the client side (CLI, tests).</summary>
    public static void Write(KafkaWriter writer, RequestHeader header, KafkaMessage body)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(body);
        var frame = writer.BeginFrame();
        header.Write(writer);
        body.Write(writer, header.ApiVersion);
        writer.EndFrame(frame);
    }
}

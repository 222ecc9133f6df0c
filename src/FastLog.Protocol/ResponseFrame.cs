namespace FastLog.Protocol;

/// <summary>
/// Encoding and decoding of whole response frames.
/// <code>
///   size INT32 (counts external records payloads) | ResponseHeader (v0 or v1) | body
/// </code>
/// </summary>
public static class ResponseFrame
{
    /// <summary>
    /// Encodes the response to <paramref name="request"/>: size, header (v0/v1 per the API and
    /// version; always v0 for ApiVersions), body at the request's version. An ApiVersions
    /// request with an unsupported version must be answered at version 0: pass it in
    /// <paramref name="version"/>.
    /// </summary>
    public static void Write(KafkaWriter writer, RequestHeader request, KafkaMessage response, short? version = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var bodyVersion = version ?? request.ApiVersion;
        var frame = writer.BeginFrame();
        ResponseHeader.Write(writer, request.CorrelationId, SupportedApis.ResponseHeaderVersion(response.ApiKey, bodyVersion));
        response.Write(writer, bodyVersion);
        writer.EndFrame(frame);
    }

    /// <summary>Decodes a response frame (without its size prefix) to an API's request sent at <paramref name="version"/>.</summary>
    public static T Read<T>(ReadOnlyMemory<byte> frame, short version, out int correlationId)
        where T : KafkaMessage, new()
    {
        var response = new T();
        var reader = new KafkaReader(frame);
        correlationId = ResponseHeader.Read(ref reader, SupportedApis.ResponseHeaderVersion(response.ApiKey, version));
        response.ReadFrom(ref reader, version);
        return response;
    }
}

using System.Buffers.Binary;
using FastLog.Protocol;

namespace FastLog.Client;

/// <summary>
/// The client's half of Kafka's framing, whatever drives the socket (<see cref="KafkaClientConnection"/>
/// on .NET sockets; the broker's follower fetcher on its shard's io_uring): a request frame with the
/// client id and a correlation id, a response's size prefix checked before anything is allocated
/// for it, and a response decoded and matched to the request it must answer.
/// <code>
///   request:  size INT32 | RequestHeader v1/v2 (api key, version, correlation id, client id) | body
///   response: size INT32 | ResponseHeader v0/v1 (correlation id) | body
/// </code>
/// </summary>
public static class ClientFrames
{
    /// <summary>The size prefix both ways.</summary>
    public const int SizePrefixLength = sizeof(int);

    /// <summary>Encodes a whole request frame (size prefix, header, body at <paramref name="version"/>) into <paramref name="writer"/>.</summary>
    public static void WriteRequest(KafkaWriter writer, KafkaMessage request, short version, int correlationId, string clientId)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestFrame.Write(writer, new RequestHeader { ApiKey = request.ApiKey, ApiVersion = version, CorrelationId = correlationId, ClientId = clientId }, request);
    }

    /// <summary>
    /// The size of the response frame whose prefix <paramref name="prefix"/> starts with. Every
    /// response holds at least its correlation id; one above <paramref name="maxBytes"/> is refused
    /// (<see cref="ResponseSizeException"/>) rather than buffered.
    /// </summary>
    public static int ResponseSize(ReadOnlySpan<byte> prefix, int maxBytes)
    {
        var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        return size >= sizeof(int) && size <= maxBytes ? size : throw new ResponseSizeException(size, maxBytes);
    }

    /// <summary>
    /// Decodes a response frame (without its size prefix) to a request sent at <paramref name="version"/>
    /// with <paramref name="correlationId"/>. The body is decoded first, so a frame that is not a
    /// response at all reads as undecodable (<see cref="ProtocolException"/>) rather than as the
    /// wrong answer (<see cref="CorrelationIdMismatchException"/>).
    /// </summary>
    public static TResponse DecodeResponse<TResponse>(ReadOnlyMemory<byte> frame, short version, int correlationId)
        where TResponse : KafkaMessage, new()
    {
        var response = ResponseFrame.Read<TResponse>(frame, version, out var answered);
        return answered == correlationId ? response : throw new CorrelationIdMismatchException(correlationId, answered);
    }
}

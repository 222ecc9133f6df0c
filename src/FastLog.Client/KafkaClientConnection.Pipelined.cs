using System.Buffers.Binary;
using System.Net;
using FastLog.Protocol;

namespace FastLog.Client;

/// <summary>
/// Blocking calls for a pipelined client: requests numbered by the caller go out back to back
/// from one thread while another thread reads the responses in order, checking each against the
/// correlation id it expects next. Nothing is allocated per request or per response: requests are
/// encoded into the writer's reused buffer (or encoded once and re-stamped), and responses are read
/// into one growing buffer.
/// </summary>
public sealed partial class KafkaClientConnection
{
    /// <summary>The correlation id sits after the frame size (4), api key (2) and api version (2).</summary>
    private const int CorrelationIdOffset = 8;

    /// <summary>The reading thread's frame buffer, grown to the largest response so far.</summary>
    private byte[] _frame = new byte[64 << 10];

    /// <summary>
    /// <see cref="ConnectAsync"/> for a connection used with blocking calls only, waiting as long as
    /// the kernel's connect does. A socket that never ran an async call stays in blocking mode, so a
    /// blocking read waits in recv(2); after an async call .NET emulates blocking calls on its epoll
    /// thread, one thread hop per wait, which a pipelined reader pays in latency and CPU.
    /// </summary>
    public static KafkaClientConnection Connect(EndPoint broker, KafkaClientOptions options)
    {
        var socket = NewSocket(options);
        try
        {
            socket.Connect(broker);
            return new KafkaClientConnection(socket, options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A whole request frame (size prefix included) for <paramref name="request"/> with this
    /// connection's client id and correlation id 0, to send again and again with
    /// <see cref="SetCorrelationId"/> and <see cref="Write"/>.
    /// </summary>
    public byte[] EncodeRequest(KafkaMessage request, short version)
    {
        using var writer = new KafkaWriter();
        WriteFrame(writer, request, version, correlationId: 0);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Stamps <paramref name="correlationId"/> into a request frame made by <see cref="EncodeRequest"/>.</summary>
    public static void SetCorrelationId(Span<byte> frame, int correlationId) =>
        BinaryPrimitives.WriteInt32BigEndian(frame[CorrelationIdOffset..], correlationId);

    /// <summary>Encodes <paramref name="request"/> into the writer's reused buffer and writes it (writing thread).</summary>
    public void WriteRequest(KafkaMessage request, short version, int correlationId)
    {
        EncodeIntoWriter(request, version, correlationId);
        Write(_requestWriter.WrittenSpan);
    }

    /// <summary>Writes <paramref name="bytes"/> as they are (writing thread); an <see cref="IOException"/> after <see cref="KafkaClientOptions.WriteTimeout"/>.</summary>
    public void Write(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    /// <summary>
    /// The next response frame without its size prefix (reading thread), valid until the next
    /// <see cref="ReadFrame"/>. <see cref="EndOfStreamException"/> when the broker closed the
    /// connection, another <see cref="IOException"/> after <see cref="KafkaClientOptions.ResponseTimeout"/>.
    /// </summary>
    public ReadOnlyMemory<byte> ReadFrame()
    {
        _stream.ReadExactly(_size);
        var size = FrameSize();
        if (_frame.Length < size)
        {
            _frame = new byte[Math.Max(size, _frame.Length * 2)];
        }

        _stream.ReadExactly(_frame.AsSpan(0, size));
        return _frame.AsMemory(0, size);
    }

    /// <summary>
    /// Reads the response to a request written at <paramref name="version"/> with
    /// <paramref name="correlationId"/>, the one next in line (reading thread). Records in it are
    /// slices of the reused buffer: valid until the next read.
    /// </summary>
    public TResponse ReadResponse<TResponse>(short version, int correlationId)
        where TResponse : KafkaMessage, new() =>
        ClientFrames.DecodeResponse<TResponse>(ReadFrame(), version, correlationId);
}

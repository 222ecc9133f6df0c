using FastLog.Server.Network;
using FastLog.Protocol;
using Microsoft.Extensions.ObjectPool;

namespace FastLog.Server.Requests;

/// <summary>
/// A response frame encoded by a <see cref="KafkaWriter"/>: encoded ranges interleaved with record
/// payloads the writer did not copy (<see cref="LogRecordsPayload"/>), sent in order. Disposing
/// returns the writer to its pool and releases the payloads' leases.
/// </summary>
internal sealed class EncodedResponse(KafkaWriter writer, ObjectPool<KafkaWriter> pool, List<IDisposable> resources) : OutgoingResponse
{
    private readonly List<ResponseSegment> _segments = [];

    public override async ValueTask SendAsync(ResponseSender sender)
    {
        if (!writer.HasExternalPayloads)
        {
            await sender.SendAsync(writer.WrittenMemory);
            return;
        }

        writer.GetSegments(_segments);
        foreach (var segment in _segments)
        {
            if (segment.External is LogRecordsPayload records)
            {
                await records.SendAsync(sender);
            }
            else
            {
                await sender.SendAsync(segment.Encoded);
            }
        }
    }

    public override void Dispose()
    {
        pool.Return(writer);
        foreach (var resource in resources)
        {
            resource.Dispose();
        }

        base.Dispose();
    }
}

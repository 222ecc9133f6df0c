using FastLog.Protocol;
using Microsoft.Extensions.ObjectPool;

namespace FastLog.Server.Requests;

/// <summary>
/// Pools response writers (and with them their buffers) so a steady stream of responses allocates
/// nothing per response. A writer that just encoded an unusually large response is let go instead
/// of pinning its large buffer in the pool.
/// </summary>
internal sealed class KafkaWriterPoolPolicy : PooledObjectPolicy<KafkaWriter>
{
    private const int MaxRetainedBytes = 1 << 20;

    public override KafkaWriter Create() => new();

    public override bool Return(KafkaWriter writer)
    {
        if (writer.Position > MaxRetainedBytes)
        {
            writer.Dispose();
            return false;
        }

        writer.Reset();
        return true;
    }
}

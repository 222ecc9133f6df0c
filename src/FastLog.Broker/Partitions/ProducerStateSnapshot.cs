using System.Text.Json;
using FastLog.Core;

namespace FastLog.Broker.Partitions;

/// <summary>
/// {partition-dir}/producer_state.json: the idempotent-producer state of a partition as of
/// <see cref="EndOffset"/> (every batch below it is reflected). Written at clean close; at open
/// the snapshot is loaded and the batches from EndOffset to the log end are replayed, so duplicate
/// detection survives restarts, clean or not (Kafka keeps .snapshot files for the same reason).
/// </summary>
internal sealed record ProducerStateSnapshot(long EndOffset, List<ProducerStateTable.ProducerSnapshot> Producers)
{
    public const string FileName = "producer_state.json";

    public static ProducerStateSnapshot? Load(string partitionDirectory)
    {
        var path = Path.Combine(partitionDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ProducerStateJson.Default.ProducerStateSnapshot);
        }
        catch (JsonException)
        {
            // Unreadable (not written atomically by an older build, or damaged): rebuild from the log instead.
            return null;
        }
    }

    public void Save(string partitionDirectory) =>
        DurableFile.ReplaceAtomically(Path.Combine(partitionDirectory, FileName), JsonSerializer.SerializeToUtf8Bytes(this, ProducerStateJson.Default.ProducerStateSnapshot));
}

using System.Text.Json;
using FastLog.Core;

namespace FastLog.Storage.Producers;

/// <summary>
/// {partition-dir}/producer_state.json: the idempotent-producer state of a partition as of
/// <see cref="EndOffset"/> (every batch below it is reflected). Written at clean close; at open
/// the snapshot is loaded and the batches from EndOffset to the log end are replayed, so duplicate
/// detection survives restarts, clean or not (Kafka keeps .snapshot files for the same reason).
/// Format (UTF-8 JSON, property names as below; unchanged since the broker first wrote it, so
/// existing data directories keep their state):
/// <code>
/// {
///   "EndOffset": 1042,                 i64: the log end when written; batches from here on are replayed
///   "Producers": [                     producers with at least one completed batch
///     { "ProducerId": 4000,            i64
///       "Epoch": 0,                    i16: the producer's current epoch
///       "Batches": [                   its last (at most 5) batches, oldest first
///         { "FirstSequence": 10, "LastSequence": 14, "BaseOffset": 1020, "LastOffset": 1024 } ] } ]
/// }
/// </code>
/// </summary>
internal sealed record ProducerStateSnapshot(long EndOffset, List<ProducerStateTable.ProducerSnapshot> Producers)
{
    public const string FileName = "producer_state.json";

    /// <summary>The snapshot in <paramref name="partitionDirectory"/>, or null when there is none or it is unreadable. Blocking (small file).</summary>
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

    /// <summary>Replaces the snapshot file atomically and durably. Blocking: call off the shard.</summary>
    public void Save(string partitionDirectory) =>
        DurableFile.ReplaceAtomically(Path.Combine(partitionDirectory, FileName), JsonSerializer.SerializeToUtf8Bytes(this, ProducerStateJson.Default.ProducerStateSnapshot));
}

using System.Buffers;
using System.Buffers.Binary;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using FastLog.Metadata.Image;
using FastLog.Metadata.Records;

namespace FastLog.Metadata.Quorum;

/// <summary>
/// Applies committed quorum log entries to the <see cref="MetadataImage"/>. DotNext's
/// <see cref="SimpleStateMachine"/> keeps the state in memory and snapshots it to disk every
/// <see cref="SnapshotEvery"/> entries (the snapshot is the image's records, in
/// <see cref="MetadataCodec"/> form, after its 8-byte log index), so a restart replays at most that many.
/// <para>Threading protocol: DotNext applies entries one at a time from its applier task; the
/// image is published with a volatile write, and readers on any thread take it with a volatile
/// read. <see cref="Applied"/> runs on the applier task after every entry.</para>
/// </summary>
internal sealed class MetadataStateMachine(DirectoryInfo location) : SimpleStateMachine(location)
{
    private const long SnapshotEvery = 1000;

    private MetadataImage _image = MetadataImage.Empty;

    public MetadataImage Image => Volatile.Read(ref _image);

    /// <summary>Raised after each applied entry (and after a snapshot is installed) with the new image.</summary>
    public event Action<MetadataImage>? Applied;

    protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        // Entries without FastLog bytes (the no-op a new Raft leader appends, membership entries) only advance the offset.
        var records = entry.TryGetPayload(out var payload) && !entry.IsConfiguration && payload.Length > 0
            ? MetadataCodec.Decode(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray())
            : [];
        Publish(Image.Apply(records, entry.Index));
        return ValueTask.FromResult(entry.Index % SnapshotEvery == 0);
    }

    protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
    {
        var image = Image;
        var records = MetadataCodec.Encode(image.ToRecords());
        var bytes = new byte[8 + records.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, image.Offset);
        records.CopyTo(bytes.AsSpan(8));
        return writer.Invoke(bytes, token);
    }

    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        var bytes = await File.ReadAllBytesAsync(snapshotFile.FullName, token).ConfigureAwait(false);
        if (bytes.Length < 8)
        {
            throw new MetadataCodecException($"metadata snapshot {snapshotFile.FullName} is {bytes.Length} bytes, shorter than its header");
        }

        var offset = BinaryPrimitives.ReadInt64BigEndian(bytes);
        Publish(MetadataImage.Empty.Apply(MetadataCodec.Decode(bytes.AsSpan(8)), offset));
    }

    private void Publish(MetadataImage image)
    {
        Volatile.Write(ref _image, image);
        Applied?.Invoke(image);
    }
}

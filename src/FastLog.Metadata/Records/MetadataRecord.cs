namespace FastLog.Metadata.Records;

/// <summary>
/// One fact in the cluster's metadata log (KRaft-shaped: each record is a change; applying them in
/// log order builds the <see cref="Image.MetadataImage"/>). Immutable.
/// </summary>
public abstract record MetadataRecord
{
    public abstract MetadataRecordType Type { get; }
}

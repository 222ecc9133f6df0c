namespace FastLog.Metadata.Records;

/// <summary>A metadata log entry that cannot be decoded: truncated, checksum mismatch, unknown format or record type.</summary>
public sealed class MetadataCodecException(string message) : Exception(message);

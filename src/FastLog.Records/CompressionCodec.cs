namespace FastLog.Records;

/// <summary>
/// The codec of a RecordBatch's records (Attributes bits 0-2). A batch is stored as the producer
/// compressed it unless its topic's compression.type names another codec (re-encoded on produce);
/// the log cleaner re-compresses with the batch's own codec (<see cref="RecordCompression"/>).
/// </summary>
public enum CompressionCodec
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

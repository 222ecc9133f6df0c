namespace FastLog.Records;

/// <summary>
/// The codec of a RecordBatch's records (Attributes bits 0-2). FastLog never compresses or
/// decompresses to store a batch: a compressed batch is kept as the producer sent it.
/// </summary>
public enum CompressionCodec
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

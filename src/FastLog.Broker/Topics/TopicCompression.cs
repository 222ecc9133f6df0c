using FastLog.Records;

namespace FastLog.Broker.Topics;

/// <summary>
/// A topic's compression.type other than producer: the codec its batches are stored with and the
/// level of a re-encoding (null: the codec's default, or none for uncompressed and snappy).
/// </summary>
public sealed record TopicCompression(CompressionCodec Codec, int? Level);

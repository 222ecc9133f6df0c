namespace FastLog.Protocol;

/// <summary>
/// FetchMetadataImage response (FastLog's own key 10000), v0 (flexible).
/// <code>
///   error_code INT16 | controller_id INT32 | image_offset INT64 | image BYTES
/// </code>
/// <see cref="Image"/> is the voter's whole committed image as one metadata log entry (the records
/// that rebuild it, in FastLog.Metadata's checksummed entry form, as a quorum snapshot holds them),
/// empty when the image is not past the request's offset. Errors: INCONSISTENT_VOTER_SET from a
/// broker that is no voter, REQUEST_TIMED_OUT when a catch-up found no controller in time.
/// </summary>
public sealed class FetchMetadataImageResponse : KafkaMessage<FetchMetadataImageResponse>
{
    public ErrorCode ErrorCode;

    /// <summary>The controller the voter knows; -1 during an election.</summary>
    public int ControllerId = -1;

    /// <summary>The offset of the voter's committed image (the metadata log index it has applied).</summary>
    public long ImageOffset = -1;

    public byte[] Image = [];

    public override ApiKey ApiKey => ApiKey.FetchMetadataImage;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Error(ref ErrorCode);
        codec.Int32(ref ControllerId);
        codec.Int64(ref ImageOffset);
        codec.Bytes(ref Image);
    }
}

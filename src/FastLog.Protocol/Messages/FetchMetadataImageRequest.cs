namespace FastLog.Protocol;

/// <summary>
/// FetchMetadataImage request (FastLog's own key 10000), v0 (flexible): a broker that is not a
/// metadata quorum voter (an observer) asks a voter for the committed metadata image, long-polled.
/// <code>
///   node_id INT32 | image_offset INT64 | controller_id INT32 | catch_up BOOL | max_wait_ms INT32
/// </code>
/// The voter answers once its committed image is past <see cref="ImageOffset"/> or the controller
/// it knows differs from <see cref="ControllerId"/>, else after <see cref="MaxWaitMs"/> with
/// nothing new. With <see cref="CatchUp"/> it first applies everything the quorum had committed
/// when it received the request (a Raft read barrier) and answers at once.
/// </summary>
public sealed class FetchMetadataImageRequest : KafkaMessage<FetchMetadataImageRequest>
{
    /// <summary>The asking broker's node id (for the voter's logs).</summary>
    public int NodeId;

    /// <summary>The offset of the image the observer holds; -1 when it holds none.</summary>
    public long ImageOffset = -1;

    /// <summary>The controller the observer knows; -1 when none.</summary>
    public int ControllerId = -1;

    public bool CatchUp;

    public int MaxWaitMs;

    public override ApiKey ApiKey => ApiKey.FetchMetadataImage;

    internal override void Map(ref KafkaCodec codec)
    {
        codec.Int32(ref NodeId);
        codec.Int64(ref ImageOffset);
        codec.Int32(ref ControllerId);
        codec.Bool(ref CatchUp);
        codec.Int32(ref MaxWaitMs);
    }
}

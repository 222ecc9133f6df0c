using FastLog.Metadata.Quorum;
using FastLog.Metadata.Records;
using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// FetchMetadataImage (FastLog's own API), a voter's side: an observer broker long-polls for the
/// committed metadata image. The answer waits until the image is past the observer's offset or the
/// controller differs from the one it knows, at most the request's wait (bounded by
/// <see cref="MaxWait"/>); a catch-up first waits for this voter to apply everything the quorum had
/// committed (a Raft read barrier, bounded by <see cref="CatchUpTimeout"/>), then answers at once.
/// The whole image goes out on every change, encoded afresh for each observer: metadata is small
/// (about 100 bytes a partition) and changes a few times a second at most, so this costs less than
/// keeping a log of deltas per observer, and a restarted observer needs nothing else.
/// Any broker that is not a voter (an observer, a single node) answers INCONSISTENT_VOTER_SET.
/// </summary>
internal sealed class FetchMetadataImageHandler : ApiHandler<FetchMetadataImageRequest>
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(3);

    public override ApiKey ApiKey => ApiKey.FetchMetadataImage;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, FetchMetadataImageRequest request)
    {
        if (context.Broker.Coordinator?.Metadata is not { IsVoter: true } log)
        {
            return new FetchMetadataImageResponse { ErrorCode = ErrorCode.InconsistentVoterSet };
        }

        if (request.CatchUp)
        {
            using var deadline = new CancellationTokenSource(CatchUpTimeout);
            try
            {
                await log.CatchUpAsync(deadline.Token);
            }
            catch (Exception e) when (deadline.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // No controller answered the read barrier in time (an election; the cancellation may surface as DotNext's
                // own exception): the observer asks again, maybe elsewhere.
                return new FetchMetadataImageResponse { ErrorCode = ErrorCode.RequestTimedOut, ControllerId = log.ControllerId, ImageOffset = log.Image.Offset };
            }
        }
        else
        {
            await log.WaitForChangeAsync(request.ImageOffset, request.ControllerId, TimeSpan.FromMilliseconds(Math.Clamp(request.MaxWaitMs, 0, (int)MaxWait.TotalMilliseconds)));
        }

        var image = log.Image;
        return new FetchMetadataImageResponse
        {
            ControllerId = log.ControllerId,
            ImageOffset = image.Offset,
            Image = image.Offset > request.ImageOffset ? MetadataCodec.Encode(image.ToRecords()) : [],
        };
    }
}

using FastLog.Metadata.Image;

namespace FastLog.Metadata.Quorum;

/// <summary>Waiting on an <see cref="IMetadataLog"/>'s events, for voters and observers alike.</summary>
public static class MetadataLogWaits
{
    /// <summary>Waits until the log's image satisfies <paramref name="condition"/> (a committed change has reached it), and returns that image.</summary>
    public static async Task<MetadataImage> WaitForAsync(this IMetadataLog log, Func<MetadataImage, bool> condition, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(log);
        var reached = new TaskCompletionSource<MetadataImage>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(MetadataImage image)
        {
            if (condition(image))
            {
                reached.TrySetResult(image);
            }
        }

        log.ImageChanged += Check;
        try
        {
            Check(log.Image);
            using var registration = token.Register(() => reached.TrySetCanceled(token));
            return await reached.Task.ConfigureAwait(false);
        }
        finally
        {
            log.ImageChanged -= Check;
        }
    }

    /// <summary>
    /// Waits until the log's image is past <paramref name="offset"/> or its controller is not
    /// <paramref name="controllerId"/>, or <paramref name="maxWait"/> has passed; true when something changed.
    /// What a voter's long poll for an observer waits for: a new controller alone must reach the
    /// observer too (its forwarded changes go there), without waiting for the next entry.
    /// </summary>
    public static async Task<bool> WaitForChangeAsync(this IMetadataLog log, long offset, int controllerId, TimeSpan maxWait)
    {
        ArgumentNullException.ThrowIfNull(log);
        var changed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (log.Image.Offset > offset || log.ControllerId != controllerId)
            {
                changed.TrySetResult(true);
            }
        }

        void OnImage(MetadataImage image) => Check();
        void OnController(int id) => Check();
        log.ImageChanged += OnImage;
        log.ControllerChanged += OnController;
        try
        {
            Check();
            using var timeout = new CancellationTokenSource(maxWait);
            using var registration = timeout.Token.Register(() => changed.TrySetResult(false));
            return await changed.Task.ConfigureAwait(false);
        }
        finally
        {
            log.ImageChanged -= OnImage;
            log.ControllerChanged -= OnController;
        }
    }
}

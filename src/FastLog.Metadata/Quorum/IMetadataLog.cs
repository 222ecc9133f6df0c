using FastLog.Metadata.Controller;
using FastLog.Metadata.Image;
using FastLog.Metadata.Records;

namespace FastLog.Metadata.Quorum;

/// <summary>
/// A broker's view of the cluster's metadata log, whatever its part in the quorum: a voter
/// (<see cref="MetadataQuorum"/>, a Raft node) or an observer (a broker beyond the voters, which
/// follows the committed image from them without a Raft node). The broker follows <see cref="Image"/>
/// and <see cref="ImageChanged"/> the same way in both cases.
/// <para>Threading protocol: <see cref="Image"/>, <see cref="ControllerId"/>, <see cref="IsController"/>
/// and <see cref="IsVoter"/> are safe from any thread; the events run on the implementation's own
/// thread-pool task, never on a shard, one at a time per event.</para>
/// </summary>
public interface IMetadataLog : IAsyncDisposable
{
    /// <summary>The latest committed image this broker has (its offset is the metadata log index it includes).</summary>
    MetadataImage Image { get; }

    /// <summary>Raised with every newer image, in order.</summary>
    event Action<MetadataImage>? ImageChanged;

    /// <summary>The controller's node id as this broker knows it, -1 while there is none.</summary>
    int ControllerId { get; }

    /// <summary>Raised when <see cref="ControllerId"/> changes, with the new id.</summary>
    event Action<int>? ControllerChanged;

    /// <summary>True while this broker is the controller (only a voter can be).</summary>
    bool IsController { get; }

    /// <summary>True on a quorum voter, which serves the committed image to observers.</summary>
    bool IsVoter { get; }

    /// <summary>
    /// On the controller: decides against the committed image and commits the decision's records,
    /// returning the image after them. Anywhere else <see cref="ControllerException"/> with
    /// <see cref="ControllerError.NotController"/>: the broker forwards the change to the controller instead.
    /// </summary>
    Task<MetadataImage> SubmitAsync(Func<MetadataImage, IReadOnlyList<MetadataRecord>> decide, CancellationToken token = default);

    /// <summary>Waits until <see cref="Image"/> holds everything the quorum had committed when it was called.</summary>
    Task CatchUpAsync(CancellationToken token);
}

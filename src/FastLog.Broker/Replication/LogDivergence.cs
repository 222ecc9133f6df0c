using FastLog.Broker.Partitions;
using FastLog.Storage;

namespace FastLog.Broker.Replication;

/// <summary>
/// Kafka's rules for a follower's log that left its leader's (KIP-101's leader epochs, KIP-279's
/// iteration, KIP-320's check in the fetch itself), both sides of them in one place: the leader's
/// check of a follower's fetch (<see cref="Check"/>, in the fetch handler) and the follower's cut
/// (<see cref="TruncationOffset"/>, in the replica fetcher). A follower that diverged cuts, fetches
/// again, and repeats until its last epoch matches the leader's, so the deterministic scenario tests
/// run these two functions against real logs.
/// </summary>
public static class LogDivergence
{
    /// <summary>
    /// The leader's answer to a follower fetching at <paramref name="fetchOffset"/> (its log end)
    /// whose last batch has <paramref name="lastFetchedEpoch"/>: null when its log is a prefix of the
    /// leader's as far as epochs tell; otherwise the leader's (epoch, end offset) for that epoch,
    /// which is a different (earlier) epoch, or ends before the follower's log does. -1 for the last
    /// epoch (an empty log, or a client that does not say) never diverges.
    /// </summary>
    public static (int Epoch, long EndOffset)? Check(PartitionReplica leader, int lastFetchedEpoch, long fetchOffset) =>
        lastFetchedEpoch >= 0 && leader.EndOffsetForEpoch(lastFetchedEpoch) is var (epoch, endOffset) && (epoch != lastFetchedEpoch || endOffset < fetchOffset)
            ? (epoch, endOffset)
            : null;

    /// <summary>
    /// Where a diverged follower cuts its log (KIP-279): the leader's end of the epoch it named, or
    /// this log's own end of that epoch if earlier; when this log has no such epoch, its end of the
    /// latest epoch before it (the next fetch compares again from there). When the leader knows no
    /// epoch at all (end offset -1): the high watermark, which every ISR member held.
    /// </summary>
    public static long TruncationOffset(PartitionLog follower, int divergingEpoch, long divergingEndOffset)
    {
        if (divergingEndOffset < 0)
        {
            return follower.HighWatermark;
        }

        var (epoch, endOffset) = follower.EndOffsetForEpoch(divergingEpoch);
        return epoch < 0 ? Math.Min(divergingEndOffset, follower.LogEndOffset)
            : epoch == divergingEpoch ? Math.Min(Math.Min(divergingEndOffset, endOffset), follower.LogEndOffset)
            : Math.Min(endOffset, follower.LogEndOffset);
    }
}

namespace FastLog.Cluster;

/// <summary>
/// The gossip node's counters. Concurrency protocol: only the gossip shard writes (plain
/// single-writer increments); the /metrics scraper reads from another thread with Volatile.Read.
/// Aligned 64-bit reads are atomic on 64-bit platforms, so a scrape never sees a torn value.
/// </summary>
public sealed class GossipCounters
{
    private long _sent;
    private long _received;
    private long _droppedMalformed;
    private long _droppedVersion;
    private long _droppedForeignCluster;
    private long _sendFailures;
    private long _receiveFailures;
    private long _refutations;

    public long Sent => Volatile.Read(ref _sent);

    public long Received => Volatile.Read(ref _received);

    /// <summary>Garbage, truncated or corrupt datagrams.</summary>
    public long DroppedMalformed => Volatile.Read(ref _droppedMalformed);

    /// <summary>Datagrams of a protocol version this node does not speak.</summary>
    public long DroppedVersion => Volatile.Read(ref _droppedVersion);

    /// <summary>Datagrams from a node of another cluster id.</summary>
    public long DroppedForeignCluster => Volatile.Read(ref _droppedForeignCluster);

    /// <summary>Datagrams the transport could not hand to the kernel.</summary>
    public long SendFailures => Volatile.Read(ref _sendFailures);

    /// <summary>Receive operations the kernel failed (not datagrams: those are counted as received).</summary>
    public long ReceiveFailures => Volatile.Read(ref _receiveFailures);

    /// <summary>Times this node refuted a suspicion (or death) about itself by raising its incarnation.</summary>
    public long Refutations => Volatile.Read(ref _refutations);

    public void MessageSent() => _sent++;

    public void MessageReceived() => _received++;

    public void SendFailed() => _sendFailures++;

    public void ReceiveFailed() => _receiveFailures++;

    public void Refuted() => _refutations++;

    public void Dropped(GossipDecodeStatus status)
    {
        switch (status)
        {
            case GossipDecodeStatus.UnsupportedVersion:
                _droppedVersion++;
                break;
            case GossipDecodeStatus.ForeignCluster:
                _droppedForeignCluster++;
                break;
            default:
                _droppedMalformed++;
                break;
        }
    }
}

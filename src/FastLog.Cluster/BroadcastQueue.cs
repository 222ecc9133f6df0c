namespace FastLog.Cluster;

/// <summary>
/// SWIM's dissemination buffer: membership updates waiting to be piggybacked on outgoing
/// messages. At most one update per member is kept (a newer one replaces it and starts counting
/// again); each is sent up to a retransmit limit (λ·log n, computed by the caller per message)
/// and then dropped. Updates sent the fewest times go first, so new news spreads before old news
/// is repeated. Used on the gossip shard only.
/// </summary>
internal sealed class BroadcastQueue
{
    private readonly List<Entry> _entries = [];
    private long _nextOrder;

    public int Count => _entries.Count;

    /// <summary>Queues <paramref name="record"/>, replacing any pending update about the same member.</summary>
    public void Enqueue(MemberRecord record)
    {
        _entries.RemoveAll(e => e.Record.NodeId == record.NodeId);
        _entries.Add(new Entry(record, _nextOrder++));
    }

    /// <summary>
    /// Offers pending updates to <paramref name="writer"/>, fewest transmissions first (oldest first
    /// among equals), skipping those that do not fit; counts each one written and drops those that
    /// reached <paramref name="retransmitLimit"/>. <paramref name="skipNodeId"/> is already in the message.
    /// </summary>
    public void FillMessage(GossipWriter writer, int retransmitLimit, int? skipNodeId = null)
    {
        _entries.Sort(static (a, b) => a.Transmits != b.Transmits ? a.Transmits.CompareTo(b.Transmits) : a.Order.CompareTo(b.Order));
        foreach (var entry in _entries)
        {
            if (entry.Record.NodeId != skipNodeId && writer.TryAppend(entry.Record))
            {
                entry.Transmits++;
            }
        }

        _entries.RemoveAll(e => e.Transmits >= retransmitLimit);
    }

    private sealed class Entry(MemberRecord record, long order)
    {
        public MemberRecord Record { get; } = record;

        public long Order { get; } = order;

        public int Transmits { get; set; }
    }
}

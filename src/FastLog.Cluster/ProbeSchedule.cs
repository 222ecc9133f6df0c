namespace FastLog.Cluster;

/// <summary>
/// SWIM's probe target selection (§4.3 of the paper): members are probed round-robin over a
/// shuffled list, reshuffled after every full pass, and a new member is inserted at a uniformly
/// random position. Every live member is then probed within one pass (bounded detection time),
/// unlike uniform random choice. Members are never removed: a Dead one is skipped, and probed
/// again once it comes back. Used on the gossip shard only.
/// </summary>
internal sealed class ProbeSchedule(Random random)
{
    private readonly List<int> _order = [];
    private int _next;

    public void Add(int nodeId)
    {
        int at = random.Next(_order.Count + 1);
        _order.Insert(at, nodeId);
        if (at < _next)
        {
            _next++; // keep pointing at the same member
        }
    }

    /// <summary>The next member for which <paramref name="probeable"/> holds, or null when there is none.</summary>
    public int? Next(Func<int, bool> probeable)
    {
        // Two passes' worth of steps: whatever position the pass starts at, a full reshuffled pass follows.
        for (int step = 0; step < 2 * _order.Count; step++)
        {
            if (_next >= _order.Count)
            {
                random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_order));
                _next = 0;
            }

            int nodeId = _order[_next++];
            if (probeable(nodeId))
            {
                return nodeId;
            }
        }

        return null;
    }
}

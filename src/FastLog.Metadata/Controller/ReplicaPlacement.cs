using System.Collections.Immutable;
using FastLog.Metadata.Image;

namespace FastLog.Metadata.Controller;

/// <summary>
/// Where a new partition's replicas go: striped over the live brokers, rack-aware. The brokers are
/// first listed rack by rack in turn (r1's first, r2's first, r3's first, r1's second, ...), so
/// neighbours in the list sit on different racks; partition p's leader (its first replica, the
/// preferred leader) is the broker at (start + p) mod n, and its followers are the next brokers in
/// the list on racks it does not use yet (on any rack once every rack is used). Leaders and
/// replicas thus spread evenly, and a rack failure takes at most one replica of a partition while
/// there are at least as many racks as replicas. Deterministic for tests; the caller varies
/// <c>start</c> per topic so topics do not all lead on the same broker.
/// </summary>
public static class ReplicaPlacement
{
    public static IReadOnlyList<ImmutableArray<int>> Assign(IReadOnlyCollection<BrokerRegistration> liveBrokers, int firstPartition, int partitionCount, int replicationFactor, int start)
    {
        if (replicationFactor < 1 || replicationFactor > liveBrokers.Count)
        {
            throw new ControllerException(ControllerError.InvalidReplicationFactor,
                $"Replication factor {replicationFactor} is larger than the {liveBrokers.Count} live brokers (or below 1).");
        }

        var ordered = RackAlternated(liveBrokers);
        var n = ordered.Count;
        var assignments = new List<ImmutableArray<int>>(partitionCount);
        for (var p = firstPartition; p < firstPartition + partitionCount; p++)
        {
            var leaderAt = (int)(((long)start + p) % n);
            var replicas = ImmutableArray.CreateBuilder<int>(replicationFactor);
            var racks = new HashSet<string?> { ordered[leaderAt].Rack };
            replicas.Add(ordered[leaderAt].BrokerId);
            // Shift the followers by one more place every n partitions, so two partitions with the same leader do not have the same followers.
            var shift = n > 1 ? 1 + (p / n % (n - 1)) : 0;
            var distinctRacks = ordered.Select(b => b.Rack).Distinct().Count();
            for (var step = 0; replicas.Count < replicationFactor; step++)
            {
                var candidate = ordered[(leaderAt + shift + step) % n];
                if (replicas.Contains(candidate.BrokerId) || (racks.Count < distinctRacks && racks.Contains(candidate.Rack) && step < 2 * n))
                {
                    continue;
                }

                replicas.Add(candidate.BrokerId);
                racks.Add(candidate.Rack);
            }

            assignments.Add(replicas.MoveToImmutable());
        }

        return assignments;
    }

    private static List<BrokerRegistration> RackAlternated(IEnumerable<BrokerRegistration> brokers)
    {
        var byRack = brokers.GroupBy(b => b.Rack ?? string.Empty, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(b => b.BrokerId).ToList())
            .ToList();
        var ordered = new List<BrokerRegistration>();
        for (var i = 0; ordered.Count < byRack.Sum(r => r.Count); i++)
        {
            ordered.AddRange(byRack.Where(rack => i < rack.Count).Select(rack => rack[i]));
        }

        return ordered;
    }
}

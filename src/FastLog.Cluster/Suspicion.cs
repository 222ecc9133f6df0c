namespace FastLog.Cluster;

/// <summary>
/// Lifeguard's suspicion timeout (Dadgar, Phillips, Currey 2018, §IV-B; as in memberlist): a
/// suspicion starts with the maximum timeout and shrinks toward the minimum, logarithmically, as
/// independent members report the same suspicion:
/// timeout(C) = max(min, max − (max − min) · log(C + 1) / log(K + 1)), C = confirmations beyond the
/// first suspector, K = confirmations expected. A real failure is confirmed by every prober within
/// a few periods and declared at about the minimum; a false suspicion (one lossy path) keeps the
/// long timeout, which leaves the member time to refute. Gossip shard only.
/// </summary>
internal sealed class Suspicion
{
    private readonly HashSet<int> _reporters = [];
    private readonly long _start;
    private readonly long _minMs;
    private readonly long _maxMs;
    private readonly int _expectedConfirmations;

    public Suspicion(long start, long minMs, long maxMs, int expectedConfirmations, int reporter)
    {
        _start = start;
        _minMs = minMs;
        _maxMs = maxMs;
        _expectedConfirmations = expectedConfirmations;
        _reporters.Add(reporter);
        Deadline = Compute();
    }

    /// <summary>When the suspect is declared Dead unless it refutes first.</summary>
    public long Deadline { get; private set; }

    /// <summary>Counts <paramref name="reporter"/>'s suspicion; true when it is new (then it is worth gossiping on).</summary>
    public bool Confirm(int reporter)
    {
        if (!_reporters.Add(reporter))
        {
            return false;
        }

        Deadline = Compute();
        return true;
    }

    private long Compute()
    {
        if (_expectedConfirmations < 1)
        {
            return _start + _minMs;
        }

        int confirmations = _reporters.Count - 1;
        double progress = Math.Log(confirmations + 1) / Math.Log(_expectedConfirmations + 1);
        return _start + Math.Max(_minMs, (long)(_maxMs - ((_maxMs - _minMs) * progress)));
    }
}

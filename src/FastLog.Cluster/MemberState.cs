namespace FastLog.Cluster;

/// <summary>
/// What the cluster believes about a member. The numeric order is also the precedence between two
/// records with the same incarnation (see <see cref="MemberRecord.Supersedes"/>): a graceful
/// <see cref="Left"/> outranks <see cref="Dead"/>, which outranks <see cref="Suspect"/>, which
/// outranks <see cref="Alive"/>. The values are on the wire: never renumber.
/// </summary>
public enum MemberState : byte
{
    /// <summary>Answering probes (or not yet suspected).</summary>
    Alive = 0,

    /// <summary>A probe went unanswered; declared <see cref="Dead"/> unless it refutes in time.</summary>
    Suspect = 1,

    /// <summary>Failed: suspected and not refuted within the suspicion timeout.</summary>
    Dead = 2,

    /// <summary>Left on purpose (graceful shutdown): nobody waits for a suspicion timeout.</summary>
    Left = 3,
}

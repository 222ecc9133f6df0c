namespace FastLog.Chaos.Checking;

/// <summary>
/// What the configuration under test promises less than "nothing acknowledged is lost, nothing is
/// written twice". Findings inside these allowances are reported as by design, not as violations.
/// </summary>
internal sealed record CheckPolicy
{
    /// <summary>Every guarantee holds (idempotent acks=all).</summary>
    public static CheckPolicy Strict { get; } = new();

    /// <summary>
    /// Not idempotent (acks=1): a retry of a write whose answer was lost stores it again, so
    /// duplicates are at-least-once delivery, by design.
    /// </summary>
    public bool AtLeastOnce { get; init; }

    /// <summary>
    /// Set when acks=1 is answered once written and made durable by the interval flush: a write
    /// acknowledged less than this many milliseconds before a kill -9 may be lost, by design
    /// (log.flush.interval.ms plus the flush's own time). Older losses are violations.
    /// </summary>
    public double? LossWindowMs { get; init; }
}

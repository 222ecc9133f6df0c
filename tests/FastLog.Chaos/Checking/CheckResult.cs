using FastLog.Chaos.History;

namespace FastLog.Chaos.Checking;

/// <summary>The checker's verdict on a history: every finding, and the totals the report shows.</summary>
internal sealed class CheckResult
{
    public const int ExamplesPerKind = 5;

    public required IReadOnlyList<Finding> Findings { get; init; }

    public required IReadOnlyDictionary<WriteOutcome, int> WritesByOutcome { get; init; }

    public required int FinalRecords { get; init; }

    public required int ConsumerReads { get; init; }

    /// <summary>Reads during the run per consumer (the assigned reader, each group member), with the time of the last (ms).</summary>
    public required IReadOnlyDictionary<string, (int Reads, double LastMs)> ReadsByReader { get; init; }

    public required int Commits { get; init; }

    /// <summary>The oldest by-design loss: how long before the kill it had been acknowledged (ms); 0 if none.</summary>
    public required double MaxLostAckAgeMs { get; init; }

    public bool Valid => Findings.All(f => f.ByDesign);

    public int Count(ViolationKind kind, bool byDesign) => Findings.Count(f => f.Kind == kind && f.ByDesign == byDesign);

    public IEnumerable<Finding> Examples(ViolationKind kind, bool byDesign) => Findings.Where(f => f.Kind == kind && f.ByDesign == byDesign).Take(ExamplesPerKind);
}

namespace FastLog.Chaos.History;

/// <summary>
/// One produce of a unique value (<see cref="RecordValue"/> of producer and sequence) to an
/// explicit partition, with its outcome; <see cref="Offset"/> is the acknowledged one (-1 unless
/// <see cref="WriteOutcome.Ok"/>). Times are milliseconds since the run started.
/// </summary>
internal sealed record WriteOp(int Producer, long Sequence, int Partition, double InvokedMs, double CompletedMs, WriteOutcome Outcome, long Offset, string? Error);

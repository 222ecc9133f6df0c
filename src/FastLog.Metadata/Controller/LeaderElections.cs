using FastLog.Metadata.Records;

namespace FastLog.Metadata.Controller;

/// <summary>What an ElectLeaders request decided: the records to commit (one per partition whose leader changes) and each partition's outcome.</summary>
public sealed record LeaderElections(IReadOnlyList<MetadataRecord> Records, IReadOnlyList<ElectionOutcome> Outcomes);

/// <summary>One partition's election: <see cref="Error"/> null when its leader changed, else why not.</summary>
public sealed record ElectionOutcome(string Topic, int Partition, ControllerError? Error, string? Message);

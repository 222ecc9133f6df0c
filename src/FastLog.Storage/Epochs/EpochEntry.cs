namespace FastLog.Storage.Epochs;

/// <summary>
/// One line of a <see cref="LeaderEpochCache"/>: the first batch written under leader epoch
/// <see cref="Epoch"/> starts at <see cref="StartOffset"/> (Kafka's EpochEntry).
/// </summary>
public readonly record struct EpochEntry(int Epoch, long StartOffset);

using FastLog.Protocol;

namespace FastLog.Broker.Groups;

/// <summary>A replicated offsets-log append the partition refused (no longer its leader, too few in-sync replicas, timed out).</summary>
internal sealed class OffsetsAppendException(ErrorCode error, string? message) : Exception(message ?? error.ToString())
{
    public ErrorCode Error { get; } = error;
}

namespace FastLog.Protocol;

/// <summary>Heartbeat request (key 12), v0–4 (flexible from v4): just the <see cref="GroupMemberRequest{TSelf}"/> fields.</summary>
public sealed class HeartbeatRequest : GroupMemberRequest<HeartbeatRequest>
{
    public override ApiKey ApiKey => ApiKey.Heartbeat;
}

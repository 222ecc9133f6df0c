using FastLog.Core;
using FastLog.Protocol;

namespace FastLog.Broker.Groups;

/// <summary>
/// One member of a classic group: what it joined with, its assignment, its session timer, and the
/// JoinGroup / SyncGroup response it is waiting for (a pending TaskCompletionSource, completed when
/// the rebalance gets that far). Used only on the group's owner shard.
/// </summary>
internal sealed class GroupMember(string memberId, string? groupInstanceId, string clientId, string clientHost)
{
    public string MemberId { get; set; } = memberId;

    /// <summary>group.instance.id of a static member; null for dynamic members.</summary>
    public string? GroupInstanceId { get; } = groupInstanceId;

    public string ClientId { get; set; } = clientId;

    public string ClientHost { get; set; } = clientHost;

    public int SessionTimeoutMs { get; set; }

    public int RebalanceTimeoutMs { get; set; }

    /// <summary>Supported protocols in the member's order of preference, with their metadata.</summary>
    public List<JoinGroupRequest.JoinGroupRequestProtocol> Protocols { get; set; } = [];

    public byte[] Assignment { get; set; } = [];

    /// <summary>Joined but not yet part of a completed generation: its session timeout is the long new-member one.</summary>
    public bool IsNew { get; set; }

    public TaskCompletionSource<JoinGroupResponse>? PendingJoin { get; private set; }

    public TaskCompletionSource<SyncGroupResponse>? PendingSync { get; private set; }

    public bool IsAwaitingJoin => PendingJoin is not null;

    public bool IsAwaitingSync => PendingSync is not null;

    public ShardTimer SessionTimer { get; set; }

    public bool Supports(string protocol) => Protocols.Exists(p => p.Name == protocol);

    public byte[] MetadataFor(string? protocol) => Protocols.Find(p => p.Name == protocol)?.Metadata ?? [];

    /// <summary>Same protocols with the same metadata, in the same order: rejoining changes nothing.</summary>
    public bool Matches(List<JoinGroupRequest.JoinGroupRequestProtocol> protocols) =>
        protocols.Count == Protocols.Count
        && protocols.Zip(Protocols).All(p => p.First.Name == p.Second.Name && p.First.Metadata.AsSpan().SequenceEqual(p.Second.Metadata));

    /// <summary>Starts waiting for the rebalance; a previous join of the same member still waiting is told to rejoin.</summary>
    public Task<JoinGroupResponse> AwaitJoin()
    {
        CompleteJoin(ConsumerGroup.JoinError(MemberId, ErrorCode.RebalanceInProgress));
        PendingJoin = new TaskCompletionSource<JoinGroupResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        return PendingJoin.Task;
    }

    /// <summary>Answers the waiting JoinGroup, if any; true when there was one.</summary>
    public bool CompleteJoin(JoinGroupResponse response)
    {
        var pending = PendingJoin;
        PendingJoin = null;
        return pending?.TrySetResult(response) ?? false;
    }

    public Task<SyncGroupResponse> AwaitSync()
    {
        CompleteSync(new SyncGroupResponse { ErrorCode = ErrorCode.RebalanceInProgress });
        PendingSync = new TaskCompletionSource<SyncGroupResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        return PendingSync.Task;
    }

    public void CompleteSync(SyncGroupResponse response)
    {
        var pending = PendingSync;
        PendingSync = null;
        pending?.TrySetResult(response);
    }
}

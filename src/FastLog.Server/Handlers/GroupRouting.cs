using FastLog.Broker.Groups;
using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// Group requests reach the group's coordinator: on a single node every group is here; in a
/// cluster a group belongs to the leader of its __consumer_offsets partition, and a request for a
/// group coordinated elsewhere is answered NOT_COORDINATOR (COORDINATOR_NOT_AVAILABLE while no
/// broker coordinates it), so the client asks FindCoordinator again, as against Kafka; a new
/// coordinator still loading the group's partition answers COORDINATOR_LOAD_IN_PROGRESS (clients retry).
/// </summary>
internal static class GroupRouting
{
    public static ErrorCode ErrorFor(RequestContext context, string groupId) =>
        context.Broker.Coordinator?.GroupCoordinatorError(groupId) is { } error and not ErrorCode.None ? error
        : context.Broker.Groups.IsLoaded(groupId) ? ErrorCode.None
        : ErrorCode.CoordinatorLoadInProgress;

    /// <summary>Runs <paramref name="work"/> on the group's owner shard when this broker coordinates it, else answers <paramref name="refused"/>.</summary>
    public static async ValueTask<TResult> OnCoordinatorAsync<TState, TResult>(RequestContext context, string groupId, TState state, Func<GroupShard, TState, ValueTask<TResult>> work, Func<ErrorCode, TResult> refused) =>
        ErrorFor(context, groupId) is var error and not ErrorCode.None
            ? refused(error)
            : await context.Broker.Groups.OnOwnerAsync(groupId, state, work);

    /// <summary>The same for a batch of groups: each coordinated here is served on its owner shard, each other answered <paramref name="refused"/>, in request order.</summary>
    public static async ValueTask<TResult[]> OnCoordinatorsAsync<TItem, TResult>(RequestContext context, IReadOnlyList<TItem> items, Func<TItem, string> groupIdOf, Func<GroupShard, TItem, ValueTask<TResult>> work, Func<TItem, ErrorCode, TResult> refused)
    {
        var errors = items.Select(item => ErrorFor(context, groupIdOf(item))).ToArray();
        var here = items.Where((_, i) => errors[i] == ErrorCode.None).ToList();
        var served = await context.Broker.Groups.OnOwnersAsync(here, groupIdOf, work);
        var results = new TResult[items.Count];
        for (int i = 0, next = 0; i < items.Count; i++)
        {
            results[i] = errors[i] == ErrorCode.None ? served[next++] : refused(items[i], errors[i]);
        }

        return results;
    }
}

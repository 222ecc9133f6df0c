using FastLog.Broker.Coordination;
using FastLog.Metadata.Controller;
using FastLog.Protocol;
using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// ElectLeaders (KIP-460): preferred or unclean leader elections, decided by the controller
/// (<see cref="ControllerLogic.ElectLeaders(Metadata.Image.MetadataImage, ElectionType, IReadOnlyList{ValueTuple{string, int}}?)"/>)
/// and answered once the new leaders are committed; other brokers forward the request. A single
/// node leads every partition already: ELECTION_NOT_NEEDED. v0 knows only preferred elections.
/// </summary>
internal sealed class ElectLeadersHandler : ApiHandler<ElectLeadersRequest>
{
    public override ApiKey ApiKey => ApiKey.ElectLeaders;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, ElectLeadersRequest request)
    {
        if (await ControllerForwarding.TryForwardAsync<ElectLeadersResponse>(context, request) is { } forwarded)
        {
            return forwarded;
        }

        var type = context.ApiVersion >= 1 ? (ElectionType)request.ElectionType : ElectionType.Preferred;
        var partitions = request.Topics?.SelectMany(t => t.Partitions.Select(p => (t.Topic, p))).ToList();
        IReadOnlyList<ElectionOutcome> outcomes;
        var response = new ElectLeadersResponse();
        if (!Enum.IsDefined(type))
        {
            response.ErrorCode = ErrorCode.InvalidRequest;
            outcomes = Refused(partitions, ControllerError.InvalidRequest, $"Election type {request.ElectionType} is neither preferred (0) nor unclean (1).");
        }
        else
        {
            try
            {
                outcomes = context.Broker.Coordinator is { } cluster
                    ? await cluster.ElectLeadersAsync(type, partitions)
                    : ControllerLogic.ElectLeaders(SingleNodeImage.Of(context.Broker), type, partitions).Outcomes;
            }
            catch (ControllerException e)
            {
                response.ErrorCode = ClusterCoordinator.ToErrorCode(e.Error);
                outcomes = Refused(partitions, e.Error, e.Message);
            }
        }

        response.Results = outcomes.GroupBy(o => o.Topic).Select(topic => new TopicPartitionResults
        {
            Name = topic.Key,
            Partitions = topic.Select(o => new PartitionResult
            {
                PartitionIndex = o.Partition,
                ErrorCode = o.Error is { } error ? ClusterCoordinator.ToErrorCode(error) : ErrorCode.None,
                ErrorMessage = o.Message,
            }).ToList(),
        }).ToList();
        return response;
    }

    private static List<ElectionOutcome> Refused(List<(string Topic, int Partition)>? partitions, ControllerError error, string message) =>
        partitions?.Distinct().Select(p => new ElectionOutcome(p.Topic, p.Partition, error, message)).ToList() ?? [];
}

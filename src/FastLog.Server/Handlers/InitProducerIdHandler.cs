using FastLog.Server.Requests;
using FastLog.Metadata.Controller;
using FastLog.Protocol;

namespace FastLog.Server.Handlers;

/// <summary>
/// InitProducerId for idempotent producers: a new producer id at epoch 0. A producer that already
/// has an id and asks for a new epoch (KIP-360, v3+) gets its epoch bumped, which resets its
/// sequences on every partition. Transactional ids are refused: FastLog has no transaction coordinator.
/// In a cluster, new ids come from the controller, so a non-controller forwards the request to it.
/// </summary>
internal sealed class InitProducerIdHandler : ApiHandler<InitProducerIdRequest>
{
    public override ApiKey ApiKey => ApiKey.InitProducerId;

    protected override async ValueTask<KafkaMessage?> HandleAsync(RequestContext context, InitProducerIdRequest request)
    {
        if (request.TransactionalId is not null)
        {
            return new InitProducerIdResponse { ErrorCode = ErrorCode.TransactionalIdAuthorizationFailed };
        }

        if (request.ProducerId >= 0 && request.ProducerEpoch >= 0 && request.ProducerEpoch < short.MaxValue - 1)
        {
            return new InitProducerIdResponse { ProducerId = request.ProducerId, ProducerEpoch = (short)(request.ProducerEpoch + 1) };
        }

        try
        {
            if (context.Broker.Coordinator is { IsController: false } cluster)
            {
                // In a cluster the controller hands out producer ids (blocks from the metadata log).
                return await cluster.ForwardToControllerAsync<InitProducerIdResponse>(request, context.ApiVersion);
            }

            return new InitProducerIdResponse { ProducerId = await context.Broker.ProducerIds.NextAsync(), ProducerEpoch = 0 };
        }
        catch (ControllerException)
        {
            // No controller reachable now (an election, or it moved): the producer retries.
            return new InitProducerIdResponse { ErrorCode = ErrorCode.CoordinatorNotAvailable };
        }
    }
}

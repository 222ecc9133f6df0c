using FastLog.Server.Requests;

namespace FastLog.Server.Handlers;

/// <summary>
/// The handler of every Kafka API the broker serves. Adding an API is its handler file plus one
/// line here (its request and response types and version range being the codec's, in
/// FastLog.Protocol's SupportedApis). <see cref="RequestRouter"/> refuses a list that differs
/// from SupportedApis either way, so ApiVersions can never advertise an API without a handler
/// nor a handler hide behind an API the codec does not decode. Handlers are stateless (request
/// state lives in the RequestContext), so these instances serve every broker in the process.
/// </summary>
internal static class ApiHandlers
{
    public static IReadOnlyList<IApiHandler> All { get; } =
    [
        new ApiVersionsHandler(),
        new MetadataHandler(),
        new ProduceHandler(),
        new FetchHandler(),
        new ListOffsetsHandler(),
        new InitProducerIdHandler(),
        new CreateTopicsHandler(),
        new DeleteTopicsHandler(),
        new CreatePartitionsHandler(),
        new DescribeConfigsHandler(),
        new AlterConfigsHandler(),
        new IncrementalAlterConfigsHandler(),
        new DeleteRecordsHandler(),
        new OffsetForLeaderEpochHandler(),
        new AlterPartitionHandler(),
        new ElectLeadersHandler(),
        new AlterPartitionReassignmentsHandler(),
        new ListPartitionReassignmentsHandler(),
        new DescribeLogDirsHandler(),
        new DescribeClusterHandler(),
        new FindCoordinatorHandler(),
        new JoinGroupHandler(),
        new SyncGroupHandler(),
        new HeartbeatHandler(),
        new LeaveGroupHandler(),
        new OffsetCommitHandler(),
        new OffsetFetchHandler(),
        new DescribeGroupsHandler(),
        new ListGroupsHandler(),
        new DeleteGroupsHandler(),
        new OffsetDeleteHandler(),
        new FetchMetadataImageHandler(),
    ];
}

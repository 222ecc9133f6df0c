namespace FastLog.Protocol;

/// <summary>
/// The APIs and versions this codec implements (facts from Kafka's message definitions), used
/// for dispatch, header versions and the ApiVersions response; FastLog's own inter-broker APIs
/// (<see cref="Private"/>) are decoded and dispatched alike but never advertised.
/// </summary>
public static class SupportedApis
{
    private static readonly SupportedApi?[] ByKey = Build(
        new(ApiKey.Produce, 3, 10, 9, static () => new ProduceRequest(), static () => new ProduceResponse()),
        new(ApiKey.Fetch, 4, 12, 12, static () => new FetchRequest(), static () => new FetchResponse()),
        new(ApiKey.ListOffsets, 1, 7, 6, static () => new ListOffsetsRequest(), static () => new ListOffsetsResponse()),
        new(ApiKey.Metadata, 0, 13, 9, static () => new MetadataRequest(), static () => new MetadataResponse()),
        new(ApiKey.ApiVersions, 0, 3, 3, static () => new ApiVersionsRequest(), static () => new ApiVersionsResponse()),
        new(ApiKey.CreateTopics, 2, 7, 5, static () => new CreateTopicsRequest(), static () => new CreateTopicsResponse()),
        new(ApiKey.DeleteTopics, 1, 6, 4, static () => new DeleteTopicsRequest(), static () => new DeleteTopicsResponse()),
        new(ApiKey.DeleteRecords, 0, 2, 2, static () => new DeleteRecordsRequest(), static () => new DeleteRecordsResponse()),
        new(ApiKey.InitProducerId, 0, 4, 2, static () => new InitProducerIdRequest(), static () => new InitProducerIdResponse()),
        new(ApiKey.OffsetForLeaderEpoch, 0, 4, 4, static () => new OffsetForLeaderEpochRequest(), static () => new OffsetForLeaderEpochResponse()),
        new(ApiKey.DescribeConfigs, 0, 4, 4, static () => new DescribeConfigsRequest(), static () => new DescribeConfigsResponse()),
        new(ApiKey.AlterConfigs, 0, 2, 2, static () => new AlterConfigsRequest(), static () => new AlterConfigsResponse()),
        new(ApiKey.DescribeLogDirs, 0, 4, 2, static () => new DescribeLogDirsRequest(), static () => new DescribeLogDirsResponse()),
        new(ApiKey.CreatePartitions, 0, 3, 2, static () => new CreatePartitionsRequest(), static () => new CreatePartitionsResponse()),
        new(ApiKey.IncrementalAlterConfigs, 0, 1, 1, static () => new IncrementalAlterConfigsRequest(), static () => new IncrementalAlterConfigsResponse()),
        new(ApiKey.DescribeCluster, 0, 1, 0, static () => new DescribeClusterRequest(), static () => new DescribeClusterResponse()),
        new(ApiKey.FindCoordinator, 0, 4, 3, static () => new FindCoordinatorRequest(), static () => new FindCoordinatorResponse()),
        new(ApiKey.JoinGroup, 0, 7, 6, static () => new JoinGroupRequest(), static () => new JoinGroupResponse()),
        new(ApiKey.SyncGroup, 0, 5, 4, static () => new SyncGroupRequest(), static () => new SyncGroupResponse()),
        new(ApiKey.Heartbeat, 0, 4, 4, static () => new HeartbeatRequest(), static () => new HeartbeatResponse()),
        new(ApiKey.LeaveGroup, 0, 4, 4, static () => new LeaveGroupRequest(), static () => new LeaveGroupResponse()),
        new(ApiKey.OffsetCommit, 0, 8, 8, static () => new OffsetCommitRequest(), static () => new OffsetCommitResponse()),
        new(ApiKey.OffsetFetch, 0, 8, 6, static () => new OffsetFetchRequest(), static () => new OffsetFetchResponse()),
        new(ApiKey.DescribeGroups, 0, 5, 5, static () => new DescribeGroupsRequest(), static () => new DescribeGroupsResponse()),
        new(ApiKey.ListGroups, 0, 4, 3, static () => new ListGroupsRequest(), static () => new ListGroupsResponse()),
        new(ApiKey.DeleteGroups, 0, 2, 2, static () => new DeleteGroupsRequest(), static () => new DeleteGroupsResponse()),
        new(ApiKey.OffsetDelete, 0, 0, SupportedApi.NeverFlexible, static () => new OffsetDeleteRequest(), static () => new OffsetDeleteResponse()),
        new(ApiKey.ElectLeaders, 0, 2, 2, static () => new ElectLeadersRequest(), static () => new ElectLeadersResponse()),
        new(ApiKey.AlterPartitionReassignments, 0, 1, 0, static () => new AlterPartitionReassignmentsRequest(), static () => new AlterPartitionReassignmentsResponse()),
        new(ApiKey.ListPartitionReassignments, 0, 0, 0, static () => new ListPartitionReassignmentsRequest(), static () => new ListPartitionReassignmentsResponse()),
        new(ApiKey.AlterPartition, 0, 3, 0, static () => new AlterPartitionRequest(), static () => new AlterPartitionResponse()));

    /// <summary>
    /// FastLog's own APIs, spoken only between FastLog brokers: kept out of ApiVersions so that
    /// clients never see them, and out of <see cref="ByKey"/>, whose keys are Kafka's small numbers.
    /// </summary>
    public static IReadOnlyList<SupportedApi> Private { get; } =
    [
        new(ApiKey.FetchMetadataImage, 0, 0, 0, static () => new FetchMetadataImageRequest(), static () => new FetchMetadataImageResponse()),
    ];

    /// <summary>The Kafka APIs, ordered by key: what ApiVersions advertises.</summary>
    public static IReadOnlyList<SupportedApi> Advertised { get; } = ByKey.OfType<SupportedApi>().ToArray();

    /// <summary>Every API the codec decodes (the advertised ones, then the private ones).</summary>
    public static IReadOnlyList<SupportedApi> All { get; } = [.. Advertised, .. Private];

    public static SupportedApi? Find(ApiKey apiKey) =>
        (uint)(short)apiKey < (uint)ByKey.Length ? ByKey[(short)apiKey] : Private.FirstOrDefault(api => api.ApiKey == apiKey);

    public static bool IsSupported(ApiKey apiKey, short version) => Find(apiKey)?.Supports(version) == true;

    /// <summary>Flexible encoding for a version the codec implements; <see cref="ProtocolException"/> for anything else.</summary>
    public static bool IsFlexibleChecked(ApiKey apiKey, short version)
    {
        var api = Find(apiKey);
        if (api is null || !api.Supports(version))
            throw new ProtocolException($"{apiKey} v{version} is not supported.");
        return api.IsFlexible(version);
    }

    /// <summary>Request header v2 for flexible versions, else v1 (also for unknown keys: the broker only needs the correlation id).</summary>
    public static short RequestHeaderVersion(ApiKey apiKey, short version) =>
        Find(apiKey)?.IsFlexible(version) == true ? (short)2 : (short)1;

    /// <summary>Response header v1 for flexible versions, else v0; ApiVersions responses always use v0 (KIP-511).</summary>
    public static short ResponseHeaderVersion(ApiKey apiKey, short version) =>
        apiKey != ApiKey.ApiVersions && Find(apiKey)?.IsFlexible(version) == true ? (short)1 : (short)0;

    private static SupportedApi?[] Build(params SupportedApi[] apis)
    {
        var table = new SupportedApi?[apis.Max(a => (int)a.ApiKey) + 1];
        foreach (var api in apis)
            table[(int)api.ApiKey] = api;
        return table;
    }
}

using FastLog.Client;
using FastLog.Protocol;

namespace FastLog.Broker.Tests;

/// <summary>Admin requests librdkafka does not send (old versions, topic ids, odd resources), built with FastLog's codec.</summary>
public sealed class AdminRawTests
{
    [Fact]
    public async Task DeleteTopics_ByTopicId_AndInternalTopicsAreRefused()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        var created = await client.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics = [Topic("by-id", 2), Topic("__state", 1)],
        }, version: 7);
        Assert.All(created.Topics, t => Assert.Equal(ErrorCode.None, t.ErrorCode));
        var id = created.Topics[0].TopicId;
        Assert.NotEqual(Guid.Empty, id);

        var deleted = await client.SendAsync<DeleteTopicsResponse>(new DeleteTopicsRequest
        {
            Topics = [new() { TopicId = id }, new() { TopicId = Guid.NewGuid() }, new() { Name = "__state" }],
        }, version: 6);

        Assert.Equal(("by-id", id, ErrorCode.None), (deleted.Responses[0].Name, deleted.Responses[0].TopicId, deleted.Responses[0].ErrorCode));
        Assert.Equal(ErrorCode.UnknownTopicId, deleted.Responses[1].ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicException, deleted.Responses[2].ErrorCode);
        Assert.Contains("internal", deleted.Responses[2].ErrorMessage, StringComparison.Ordinal);
        Assert.False(await TopicExistsAsync(client, "by-id"));
    }

    [Fact]
    public async Task OldVersions_AndValidateOnly()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();

        var validated = await client.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest { Topics = [Topic("checked", 4)], ValidateOnly = true }, version: 5);
        Assert.Equal((ErrorCode.None, 4, (short)1), (validated.Topics[0].ErrorCode, validated.Topics[0].NumPartitions, validated.Topics[0].ReplicationFactor));
        Assert.Contains(validated.Topics[0].Configs!, c => c.Name == "segment.bytes" && c.Value == "1073741824");
        Assert.False(await TopicExistsAsync(client, "checked"));

        var created = await client.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest { Topics = [Topic("old", 1)] }, version: 2);
        Assert.Equal(ErrorCode.None, created.Topics[0].ErrorCode);

        var described = await client.SendAsync<DescribeConfigsResponse>(new DescribeConfigsRequest
        {
            Resources =
            [
                new() { ResourceType = 2, ResourceName = "old", ConfigurationKeys = ["retention.ms"] },
                new() { ResourceType = 3, ResourceName = "a-group" },
            ],
        }, version: 0);
        var retention = Assert.Single(described.Results[0].Configs);
        Assert.Equal(("retention.ms", "604800000", true), (retention.Name, retention.Value, retention.IsDefault));
        Assert.Equal(ErrorCode.InvalidRequest, described.Results[1].ErrorCode);

        var deleted = await client.SendAsync<DeleteTopicsResponse>(new DeleteTopicsRequest { TopicNames = ["old", "never-was"] }, version: 1);
        Assert.Equal([ErrorCode.None, ErrorCode.UnknownTopicOrPartition], deleted.Responses.Select(r => r.ErrorCode));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task DescribeCluster_IsThisNodeAtItsAdvertisedAddress(short version)
    {
        // librdkafka describes the cluster with Metadata; the Java AdminClient sends DescribeCluster.
        await using var broker = await TestBroker.StartAsync(o => (o.NodeId, o.ClusterId) = (7, "test-cluster"));
        using var client = await broker.ConnectRawAsync();

        var cluster = await client.SendAsync<DescribeClusterResponse>(new DescribeClusterRequest(), version);

        Assert.Equal((ErrorCode.None, "test-cluster", 7), (cluster.ErrorCode, cluster.ClusterId, cluster.ControllerId));
        var node = Assert.Single(cluster.Brokers);
        Assert.Equal((7, "127.0.0.1", broker.Server.ListenEndPoint.Port), (node.NodeId, node.Host, node.Port));
    }

    [Fact]
    public async Task A_single_node_answers_the_partition_operations_as_a_cluster_with_nothing_to_change()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await broker.ConnectRawAsync();
        await client.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest { Topics = [Topic("alone", 1)] }, version: 7);
        var self = (await client.SendAsync<MetadataResponse>(new MetadataRequest(), version: 12)).Brokers.Single().NodeId;

        var elected = await client.SendAsync<ElectLeadersResponse>(new ElectLeadersRequest
        {
            ElectionType = 1,
            Topics = [new() { Topic = "alone", Partitions = [0, 3] }],
        }, version: 2);
        Assert.Equal([ErrorCode.ElectionNotNeeded, ErrorCode.UnknownTopicOrPartition], elected.Results.Single().Partitions.Select(p => p.ErrorCode));
        Assert.Empty((await client.SendAsync<ElectLeadersResponse>(new ElectLeadersRequest { Topics = null }, version: 0)).Results);

        var reassigned = await client.SendAsync<AlterPartitionReassignmentsResponse>(new AlterPartitionReassignmentsRequest
        {
            Topics =
            [
                new() { Name = "alone", Partitions = [new() { PartitionIndex = 0, Replicas = [self] }, new() { PartitionIndex = 0, Replicas = [self + 1] }, new() { PartitionIndex = 0, Replicas = null }] },
                new() { Name = "absent", Partitions = [new() { PartitionIndex = 0, Replicas = [self] }] },
            ],
        }, version: 1);
        Assert.Equal([ErrorCode.None, ErrorCode.InvalidReplicaAssignment, ErrorCode.NoReassignmentInProgress], reassigned.Responses[0].Partitions.Select(p => p.ErrorCode));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, reassigned.Responses[1].Partitions.Single().ErrorCode);

        var listed = await client.SendAsync<ListPartitionReassignmentsResponse>(new ListPartitionReassignmentsRequest(), version: 0);
        Assert.Equal(ErrorCode.None, listed.ErrorCode);
        Assert.Empty(listed.Topics);
    }

    private static CreateTopicsRequest.CreatableTopic Topic(string name, int partitions) =>
        new() { Name = name, NumPartitions = partitions, ReplicationFactor = -1 };

    private static async Task<bool> TopicExistsAsync(KafkaClientConnection client, string name)
    {
        var metadata = await client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, version: 12);
        return metadata.Topics.Any(t => t.Name == name);
    }
}

namespace FastLog.Protocol.Tests;

public sealed class SupportedApisTests
{
    [Theory]
    // The ranges FastLog advertises (issues 4 and 5) and the first flexible version of each
    // (Kafka's flexibleVersions; short.MaxValue = never).
    [InlineData((short)ApiKey.Produce, 3, 10, 9)]
    [InlineData((short)ApiKey.Fetch, 4, 12, 12)]
    [InlineData((short)ApiKey.ListOffsets, 1, 7, 6)]
    [InlineData((short)ApiKey.Metadata, 0, 13, 9)]
    [InlineData((short)ApiKey.OffsetCommit, 0, 8, 8)]
    [InlineData((short)ApiKey.OffsetFetch, 0, 8, 6)]
    [InlineData((short)ApiKey.FindCoordinator, 0, 4, 3)]
    [InlineData((short)ApiKey.JoinGroup, 0, 7, 6)]
    [InlineData((short)ApiKey.Heartbeat, 0, 4, 4)]
    [InlineData((short)ApiKey.LeaveGroup, 0, 4, 4)]
    [InlineData((short)ApiKey.SyncGroup, 0, 5, 4)]
    [InlineData((short)ApiKey.DescribeGroups, 0, 5, 5)]
    [InlineData((short)ApiKey.ListGroups, 0, 4, 3)]
    [InlineData((short)ApiKey.ApiVersions, 0, 3, 3)]
    [InlineData((short)ApiKey.CreateTopics, 2, 7, 5)]
    [InlineData((short)ApiKey.DeleteTopics, 1, 6, 4)]
    [InlineData((short)ApiKey.DeleteRecords, 0, 2, 2)]
    [InlineData((short)ApiKey.InitProducerId, 0, 4, 2)]
    [InlineData((short)ApiKey.OffsetForLeaderEpoch, 0, 4, 4)]
    [InlineData((short)ApiKey.DescribeConfigs, 0, 4, 4)]
    [InlineData((short)ApiKey.AlterConfigs, 0, 2, 2)]
    [InlineData((short)ApiKey.DescribeLogDirs, 0, 4, 2)]
    [InlineData((short)ApiKey.CreatePartitions, 0, 3, 2)]
    [InlineData((short)ApiKey.DeleteGroups, 0, 2, 2)]
    [InlineData((short)ApiKey.ElectLeaders, 0, 2, 2)]
    [InlineData((short)ApiKey.IncrementalAlterConfigs, 0, 1, 1)]
    [InlineData((short)ApiKey.AlterPartitionReassignments, 0, 1, 0)]
    [InlineData((short)ApiKey.ListPartitionReassignments, 0, 0, 0)]
    [InlineData((short)ApiKey.OffsetDelete, 0, 0, short.MaxValue)]
    [InlineData((short)ApiKey.DescribeCluster, 0, 1, 0)]
    [InlineData((short)ApiKey.AlterPartition, 0, 3, 0)]
    public void Range_IsAsAdvertised(short key, short min, short max, short firstFlexible)
    {
        var apiKey = (ApiKey)key;
        var api = SupportedApis.Find(apiKey);
        Assert.NotNull(api);
        Assert.Equal((min, max, firstFlexible), (api.MinVersion, api.MaxVersion, api.FirstFlexibleVersion));
        Assert.Equal(apiKey, api.CreateRequest().ApiKey);
        Assert.Equal(apiKey, api.CreateResponse().ApiKey);
        Assert.EndsWith("Request", api.CreateRequest().GetType().Name);
        Assert.EndsWith("Response", api.CreateResponse().GetType().Name);
    }

    [Fact]
    public void Table_HasExactlyTheAdvertisedApis_PlusFastLogsOwn()
    {
        Assert.Equal(31, SupportedApis.Advertised.Count);
        Assert.Equal([ApiKey.FetchMetadataImage], SupportedApis.Private.Select(a => a.ApiKey));
        Assert.Equal(SupportedApis.Advertised.Concat(SupportedApis.Private), SupportedApis.All);
        Assert.Equal((short)0, SupportedApis.Find(ApiKey.FetchMetadataImage)!.FirstFlexibleVersion);
        Assert.Null(SupportedApis.Find((ApiKey)(-1)));
        Assert.Null(SupportedApis.Find((ApiKey)500));
        Assert.Null(SupportedApis.Find((ApiKey)10001));
    }

    [Theory]
    [InlineData("UnknownServerError", -1)]
    [InlineData("None", 0)]
    [InlineData("OffsetOutOfRange", 1)]
    [InlineData("CorruptMessage", 2)]
    [InlineData("UnknownTopicOrPartition", 3)]
    [InlineData("NotLeaderOrFollower", 6)]
    [InlineData("CoordinatorNotAvailable", 15)]
    [InlineData("NotCoordinator", 16)]
    [InlineData("InvalidTopicException", 17)]
    [InlineData("IllegalGeneration", 22)]
    [InlineData("UnknownMemberId", 25)]
    [InlineData("RebalanceInProgress", 27)]
    [InlineData("UnsupportedVersion", 35)]
    [InlineData("TopicAlreadyExists", 36)]
    [InlineData("OutOfOrderSequenceNumber", 45)]
    [InlineData("DuplicateSequenceNumber", 46)]
    [InlineData("InvalidProducerEpoch", 47)]
    [InlineData("MemberIdRequired", 79)]
    [InlineData("FencedInstanceId", 82)]
    [InlineData("UnknownTopicId", 100)]
    [InlineData("InvalidRegularExpression", 128)]
    public void ErrorCodes_HaveKafkasNumbers(string name, short number)
    {
        Assert.Equal(number, (short)Enum.Parse<ErrorCode>(name));
    }
}

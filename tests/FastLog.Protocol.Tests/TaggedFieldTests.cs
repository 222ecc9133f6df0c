namespace FastLog.Protocol.Tests;

public sealed class TaggedFieldTests
{
    [Fact]
    public void KnownTags_AreWrittenAscending_WithSizes_AndDefaultsOmitted()
    {
        var response = new ApiVersionsResponse { FinalizedFeaturesEpoch = 5, ZkMigrationReady = true };
        using var writer = new KafkaWriter();
        response.Write(writer, 3);
        var expected = Convert.FromHexString(
            "0000" +                            // error_code
            "01" +                              // api_keys: empty compact array
            "00000000" +                        // throttle_time_ms
            "02" +                              // 2 tagged fields (0 and 2 are empty: omitted)
            "01" + "08" + "0000000000000005" +  // tag 1, size 8, finalized_features_epoch 5
            "03" + "01" + "01");                // tag 3, size 1, zk_migration_ready true
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void UnknownTags_AreSkipped_AroundAKnownOne()
    {
        // FetchRequest v12 whose tagged section holds an unknown tag 5, cluster_id (tag 0)
        // with a longer value than the string needs, and an unknown tag 40.
        var body = BodyWithoutTaggedSection();
        byte[] tags = [3, 5, 2, 0xAA, 0xBB, 0, 4, 3, (byte)'i', (byte)'d', 0xEE, 40, 0];
        var reader = new KafkaReader(body.Concat(tags).ToArray().AsMemory());
        var request = FetchRequest.Read(ref reader, 12);
        Assert.Equal("id", request.ClusterId);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void KnownTagValue_OverrunningItsSize_IsRejected()
    {
        var body = BodyWithoutTaggedSection();
        // cluster_id declares size 1 but its compact string takes 3 bytes.
        byte[] tags = [1, 0, 1, 3, (byte)'i', (byte)'d'];
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(body.Concat(tags).ToArray().AsMemory());
            FetchRequest.Read(ref reader, 12);
        });
    }

    /// <summary>A FetchRequest v12 body up to its top-level tagged section (its last byte, count 0).</summary>
    private static byte[] BodyWithoutTaggedSection()
    {
        using var writer = new KafkaWriter();
        new FetchRequest().Write(writer, 12);
        Assert.Equal(0, writer.WrittenSpan[^1]);
        return writer.WrittenSpan[..^1].ToArray();
    }
}

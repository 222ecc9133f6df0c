namespace FastLog.Protocol.Tests;

/// <summary>
/// The fetch records splice: external payloads are not copied into the writer but leave splice
/// points; the segments, sent in order with the payload bytes in place, form a frame any client
/// (here: this codec's reader) decodes.
/// </summary>
public sealed class FetchResponseSpliceTests
{
    [Theory]
    [InlineData((short)4)]
    [InlineData((short)11)]
    [InlineData((short)12)]
    public void ExternalRecords_AreSplicedInPlace(short version)
    {
        var first = new FakeFileRegion(300);
        var second = new FakeFileRegion(17);
        var response = new FetchResponse
        {
            Responses =
            [
                new()
                {
                    Name = "orders",
                    Partitions =
                    [
                        new() { PartitionIndex = 0, HighWatermark = 10, Records = first },
                        new() { PartitionIndex = 1, HighWatermark = 20, Records = null },
                        new() { PartitionIndex = 2, HighWatermark = 30, Records = second, CurrentLeader = new() { LeaderId = 1, LeaderEpoch = 2 } },
                    ],
                },
            ],
        };

        using var writer = new KafkaWriter();
        var request = new RequestHeader { ApiKey = ApiKey.Fetch, ApiVersion = version, CorrelationId = 11 };
        ResponseFrame.Write(writer, request, response);

        var segments = new List<ResponseSegment>();
        writer.GetSegments(segments);
        Assert.Equal(2, segments.Count(s => s.IsExternal));
        Assert.True(writer.Position < 300, "the external bytes must not be copied into the writer");

        // What the broker's sender does: encoded bytes as they are, external payloads from their source.
        var wire = segments.SelectMany(s => s.External is FakeFileRegion region ? region.Content() : s.Encoded.ToArray()).ToArray();
        Assert.Equal(writer.TotalLength, wire.Length);
        Assert.Equal(wire.Length - 4, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(wire));

        var decoded = ResponseFrame.Read<FetchResponse>(wire.AsMemory(4), version, out var correlationId);
        Assert.Equal(11, correlationId);
        var partitions = decoded.Responses[0].Partitions;
        Assert.Equal(first.Content(), Assert.IsType<MemoryRecords>(partitions[0].Records).Bytes.ToArray());
        Assert.Equal(0, partitions[1].Records!.Length); // null goes out as empty records, as Kafka brokers send
        Assert.Equal(second.Content(), Assert.IsType<MemoryRecords>(partitions[2].Records).Bytes.ToArray());
        Assert.Equal(version >= 12 ? 2 : -1, partitions[2].CurrentLeader.LeaderEpoch);
    }

    [Fact]
    public void MemoryRecords_AreCopiedInline()
    {
        var response = new FetchResponse
        {
            Responses = [new() { Name = "t", Partitions = [new() { Records = new MemoryRecords(new byte[] { 9, 9, 9 }) }] }],
        };
        using var writer = new KafkaWriter();
        response.Write(writer, 12);
        Assert.False(writer.HasExternalPayloads);
        Assert.Equal(writer.Position, writer.TotalLength);
    }

    [Fact]
    public void FlexibleRecordsLength_IsCompact()
    {
        var response = new FetchResponse
        {
            Responses = [new() { Name = "t", Partitions = [new() { Records = new FakeFileRegion(200) }] }],
        };
        using var writer = new KafkaWriter();
        response.Write(writer, 12);
        var segments = new List<ResponseSegment>();
        writer.GetSegments(segments);
        // uvarint(200 + 1) = C9 01 ends the first encoded segment, right before the payload.
        Assert.Equal(new byte[] { 0xC9, 0x01 }, segments[0].Encoded.Span[^2..].ToArray());
        Assert.True(segments[1].IsExternal);
    }
}

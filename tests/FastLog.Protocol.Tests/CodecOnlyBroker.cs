using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FastLog.Records;

namespace FastLog.Protocol.Tests;

/// <summary>
/// A minimal, single-partition "broker" built from nothing but this codec and the batch header of
/// FastLog.Records (the codec's one dependency), so a real client (librdkafka through
/// Confluent.Kafka) can check our encodings and we can check its frames.
/// Test-only: blocking sockets, one thread per connection, in-memory log of produced batches.
/// Every request frame received is kept (raw bytes) for the caller to inspect.
/// Dispose closes the listener and every connection and joins the threads.
/// </summary>
internal sealed class CodecOnlyBroker : IDisposable
{
    private const int NodeId = 0;
    private static readonly Guid TopicId = Guid.Parse("6d1f3c1e-0c7a-4a4e-9c67-1f2d3e4f5a6b");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Thread> _threads = [];
    private readonly ConcurrentBag<Socket> _connections = [];
    private readonly List<byte[]> _batches = [];
    private readonly Lock _logLock = new();
    private readonly ConcurrentDictionary<(string Topic, int Partition), long> _committed = new();
    private int _generation;

    public CodecOnlyBroker()
    {
        _listener.Start();
        Start(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every request frame (without its size prefix), in arrival order per connection.</summary>
    public ConcurrentQueue<byte[]> Requests { get; } = new();

    /// <summary>Failures inside the broker threads (none expected).</summary>
    public ConcurrentQueue<Exception> Errors { get; } = new();

    public void Dispose()
    {
        _listener.Stop();
        foreach (var connection in _connections)
            connection.Dispose();
        foreach (var thread in _threads)
            thread.Join();
    }

    private void Start(Action loop)
    {
        var thread = new Thread(() => loop()) { IsBackground = true };
        lock (_threads)
            _threads.Add(thread);
        thread.Start();
    }

    private void AcceptLoop()
    {
        try
        {
            while (true)
            {
                var socket = _listener.AcceptSocket();
                _connections.Add(socket);
                Start(() => Serve(socket));
            }
        }
        catch (SocketException)
        {
            // Listener stopped.
        }
        catch (ObjectDisposedException)
        {
            // Listener stopped.
        }
    }

    private void Serve(Socket socket)
    {
        using var writer = new KafkaWriter();
        var segments = new List<ResponseSegment>();
        try
        {
            var size = new byte[4];
            while (ReadExactly(socket, size))
            {
                var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
                if (!ReadExactly(socket, frame))
                    return;
                Requests.Enqueue(frame);
                var request = RequestFrame.Decode(frame);
                writer.Reset();
                if (!Respond(writer, request))
                    return;
                segments.Clear();
                writer.GetSegments(segments);
                foreach (var segment in segments)
                    socket.Send(segment.External is StoredBatches batches ? batches.Bytes : segment.Encoded.ToArray());
            }
        }
        catch (SocketException)
        {
            // Client went away or Dispose closed the socket.
        }
        catch (ObjectDisposedException)
        {
            // Dispose closed the socket.
        }
        catch (Exception e)
        {
            Errors.Enqueue(e);
        }
    }

    private bool Respond(KafkaWriter writer, RequestFrame request)
    {
        if (request.Status == RequestStatus.UnsupportedVersion && request.Header.ApiKey == ApiKey.ApiVersions)
        {
            ResponseFrame.Write(writer, request.Header, ApiVersionsResponse.ForUnsupportedVersion(), version: 0);
            return true;
        }

        if (request.Status != RequestStatus.Ok)
        {
            Errors.Enqueue(new InvalidOperationException($"{request.Status}: {request.Header.ApiKey} v{request.Header.ApiVersion}"));
            return false;
        }

        KafkaMessage? response = request.Body switch
        {
            ApiVersionsRequest => ApiVersionsResponse.FromSupportedApis(),
            MetadataRequest metadata => Metadata(metadata),
            ProduceRequest produce => Produce(produce),
            ListOffsetsRequest listOffsets => ListOffsets(listOffsets),
            FetchRequest fetch => Fetch(fetch),
            FindCoordinatorRequest find => new FindCoordinatorResponse
            {
                NodeId = NodeId,
                Host = "127.0.0.1",
                Port = Port,
                Coordinators = find.CoordinatorKeys.Select(k => new FindCoordinatorResponse.Coordinator
                {
                    Key = k, NodeId = NodeId, Host = "127.0.0.1", Port = Port,
                }).ToList(),
            },
            JoinGroupRequest join => Join(join, request.Header.ApiVersion),
            SyncGroupRequest sync => new SyncGroupResponse
            {
                ProtocolType = sync.ProtocolType,
                ProtocolName = sync.ProtocolName,
                Assignment = sync.Assignments.FirstOrDefault(a => a.MemberId == sync.MemberId)?.Assignment ?? [],
            },
            HeartbeatRequest => new HeartbeatResponse(),
            LeaveGroupRequest leave => new LeaveGroupResponse
            {
                Members = leave.Members.Select(m => new LeaveGroupResponse.MemberResponse { MemberId = m.MemberId, GroupInstanceId = m.GroupInstanceId }).ToList(),
            },
            OffsetCommitRequest commit => Commit(commit),
            OffsetFetchRequest fetchOffsets => FetchOffsets(fetchOffsets),
            CreateTopicsRequest create => new CreateTopicsResponse
            {
                Topics = create.Topics.Select(t => new CreateTopicsResponse.CreatableTopicResult
                {
                    Name = t.Name, TopicId = TopicId, NumPartitions = t.NumPartitions, ReplicationFactor = t.ReplicationFactor,
                }).ToList(),
            },
            DeleteTopicsRequest delete => new DeleteTopicsResponse
            {
                Responses = delete.TopicNames.Select(n => new DeleteTopicsResponse.DeletableTopicResult { Name = n })
                    .Concat(delete.Topics.Select(t => new DeleteTopicsResponse.DeletableTopicResult { Name = t.Name, TopicId = t.TopicId }))
                    .ToList(),
            },
            DescribeConfigsRequest describe => new DescribeConfigsResponse
            {
                Results = describe.Resources.Select(r => new DescribeConfigsResponse.DescribeConfigsResult
                {
                    ResourceType = r.ResourceType,
                    ResourceName = r.ResourceName,
                    Configs = [new() { Name = "retention.ms", Value = "604800000", ConfigSource = 5 }],
                }).ToList(),
            },
            _ => null,
        };

        if (response is null)
        {
            Errors.Enqueue(new InvalidOperationException($"No handler for {request.Header.ApiKey} v{request.Header.ApiVersion}"));
            return false;
        }

        ResponseFrame.Write(writer, request.Header, response);
        return true;
    }

    private MetadataResponse Metadata(MetadataRequest request)
    {
        var names = request.Topics?.Select(t => t.Name ?? "t").ToList() ?? ["t"];
        return new MetadataResponse
        {
            Brokers = [new BrokerEndpoint { NodeId = NodeId, Host = "127.0.0.1", Port = Port }],
            ClusterId = "codec-only",
            ControllerId = NodeId,
            Topics = names.Select(name => new MetadataResponse.MetadataResponseTopic
            {
                Name = name,
                TopicId = TopicId,
                Partitions = [new() { PartitionIndex = 0, LeaderId = NodeId, LeaderEpoch = 0, ReplicaNodes = [NodeId], IsrNodes = [NodeId] }],
            }).ToList(),
        };
    }

    private ProduceResponse Produce(ProduceRequest request)
    {
        var response = new ProduceResponse();
        foreach (var topic in request.TopicData)
        {
            var partitions = new List<ProduceResponse.PartitionProduceResponse>();
            foreach (var partition in topic.Partitions)
            {
                long baseOffset;
                lock (_logLock)
                {
                    baseOffset = LogEndOffset();
                    // Assign offsets as a broker does: rewrite BaseOffset (CRC does not cover it).
                    var batch = partition.Records!.Value.ToArray();
                    RecordBatchHeader.SetBaseOffset(batch, baseOffset);
                    _batches.Add(batch);
                }

                partitions.Add(new() { Index = partition.Index, BaseOffset = baseOffset, LogStartOffset = 0 });
            }

            response.Responses.Add(new() { Name = topic.Name, Partitions = partitions });
        }

        return response;
    }

    private ListOffsetsResponse ListOffsets(ListOffsetsRequest request)
    {
        long end;
        lock (_logLock)
            end = LogEndOffset();
        return new ListOffsetsResponse
        {
            Topics = request.Topics.Select(t => new TopicData<ListOffsetsResponse.ListOffsetsPartitionResponse>
            {
                Name = t.Name,
                Partitions = t.Partitions.Select(p => new ListOffsetsResponse.ListOffsetsPartitionResponse
                {
                    PartitionIndex = p.PartitionIndex,
                    Offset = p.Timestamp == ListOffsetsRequest.EarliestTimestamp ? 0 : end,
                    LeaderEpoch = 0,
                }).ToList(),
            }).ToList(),
        };
    }

    private FetchResponse Fetch(FetchRequest request)
    {
        byte[] all;
        long end;
        lock (_logLock)
        {
            all = _batches.SelectMany(b => b).ToArray();
            end = LogEndOffset();
        }

        if (request.MaxWaitMs > 0 && all.Length == 0)
            Thread.Sleep(Math.Min(request.MaxWaitMs, 50));
        return new FetchResponse
        {
            Responses = request.Topics.Select(t => new TopicData<FetchResponse.PartitionData>
            {
                Name = t.Name,
                Partitions = t.Partitions.Select(p => new FetchResponse.PartitionData
                {
                    PartitionIndex = p.Partition,
                    HighWatermark = end,
                    LastStableOffset = end,
                    LogStartOffset = 0,
                    // The batches go out through the splice path, as file regions will.
                    Records = p.FetchOffset < end && all.Length > 0 ? new StoredBatches(all) : null,
                }).ToList(),
            }).ToList(),
        };
    }

    /// <summary>A one-member group: the first joiner (after KIP-394's member id round trip) leads and gets its own protocol.</summary>
    private JoinGroupResponse Join(JoinGroupRequest request, short version)
    {
        if (request.MemberId.Length == 0 && version >= 4)
            return new JoinGroupResponse { ErrorCode = ErrorCode.MemberIdRequired, MemberId = "member-1" };
        var memberId = request.MemberId.Length == 0 ? "member-1" : request.MemberId;
        var protocol = request.Protocols[0];
        return new JoinGroupResponse
        {
            GenerationId = Interlocked.Increment(ref _generation),
            ProtocolType = request.ProtocolType,
            ProtocolName = protocol.Name,
            Leader = memberId,
            MemberId = memberId,
            Members = [new() { MemberId = memberId, GroupInstanceId = request.GroupInstanceId, Metadata = protocol.Metadata }],
        };
    }

    private OffsetCommitResponse Commit(OffsetCommitRequest request)
    {
        foreach (var topic in request.Topics)
        {
            foreach (var partition in topic.Partitions)
                _committed[(topic.Name, partition.PartitionIndex)] = partition.CommittedOffset;
        }

        return new OffsetCommitResponse
        {
            Topics = request.Topics.Select(t => new TopicData<PartitionError>
            {
                Name = t.Name,
                Partitions = t.Partitions.Select(p => new PartitionError { PartitionIndex = p.PartitionIndex }).ToList(),
            }).ToList(),
        };
    }

    private OffsetFetchResponse FetchOffsets(OffsetFetchRequest request)
    {
        List<TopicData<OffsetFetchResponse.OffsetFetchResponsePartition>> Offsets(List<TopicPartitionIndexes>? topics) =>
            (topics ?? []).Select(t => new TopicData<OffsetFetchResponse.OffsetFetchResponsePartition>
            {
                Name = t.Name,
                Partitions = t.PartitionIndexes.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartition
                {
                    PartitionIndex = p,
                    CommittedOffset = _committed.GetValueOrDefault((t.Name, p), -1),
                }).ToList(),
            }).ToList();

        return new OffsetFetchResponse
        {
            Topics = Offsets(request.Topics),
            Groups = request.Groups.Select(g => new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = g.GroupId, Topics = Offsets(g.Topics) }).ToList(),
        };
    }

    /// <summary>Next offset: after the last batch.</summary>
    private long LogEndOffset() => _batches.Count == 0 ? 0 : RecordBatchHeader.Read(_batches[^1]).LastOffset + 1;

    private static bool ReadExactly(Socket socket, byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = socket.Receive(buffer, read, buffer.Length - read, SocketFlags.None);
            if (n == 0)
                return false;
            read += n;
        }

        return true;
    }

    /// <summary>Stored record batches handed to the writer as an external payload (sent by this broker, not copied by the codec).</summary>
    private sealed class StoredBatches(byte[] bytes) : IRecordsPayload
    {
        public byte[] Bytes { get; } = bytes;

        public int Length => Bytes.Length;
    }
}

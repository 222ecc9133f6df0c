using System.Diagnostics;
using FastLog.Client;
using FastLog.LoadTests.Scenarios;
using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.LoadTests.Wire;

/// <summary>
/// A consumer on FastLog's minimal client: one connection, one Fetch in flight for all its
/// partitions (as librdkafka keeps one per broker), the Confluent consumer's wait and size limits,
/// and the records counted straight from the response's batches (<see cref="PlainRecordBatch"/>)
/// with no per-record object. Tail mode records end-to-end latency from stamped records (the
/// open-model producers of both clients stamp theirs); catch-up mode stops once every partition
/// reached its target end offset. A fetch that starts inside a batch (a log start moved by
/// DeleteRecords) counts that batch whole: the bench's topics never have one.
/// Only the worker's thread touches the connection; <see cref="IsCaughtUp"/> is written here and
/// read by the runner (Volatile).
/// </summary>
internal sealed class WireConsumerWorker : IConsumerWorker
{
    private const short FetchVersion = 12;

    private readonly ScenarioOptions _options;
    private readonly ScenarioMeter _meter;
    private readonly KafkaClientConnection _connection;
    private readonly Dictionary<int, long> _nextOffsets;
    private readonly Dictionary<int, long>? _remainingEnds;
    private bool _caughtUp;
    private long _records;
    private long _bytes;

    /// <summary>
    /// Connects; <paramref name="startOffsets"/> maps each partition to read to its first offset,
    /// <paramref name="catchUpEnds"/> to the end offset to reach in catch-up mode (null: tail mode).
    /// </summary>
    public WireConsumerWorker(ScenarioOptions options, ScenarioMeter meter, IReadOnlyDictionary<int, long> startOffsets, IReadOnlyDictionary<int, long>? catchUpEnds)
    {
        _options = options;
        _meter = meter;
        _nextOffsets = startOffsets.ToDictionary();
        _remainingEnds = catchUpEnds?.Where(e => e.Value > startOffsets[e.Key]).ToDictionary();
        _connection = WireConnections.Connect(options.BootstrapServers, readTimesOut: true);
    }

    public bool IsCaughtUp => _remainingEnds is not null && Volatile.Read(ref _caughtUp);

    public void Run(CancellationToken cancel)
    {
        Volatile.Write(ref _caughtUp, _remainingEnds is { Count: 0 });
        int correlationId = 0;
        try
        {
            while (!cancel.IsCancellationRequested && !IsCaughtUp)
            {
                var request = FetchRequestFor(_remainingEnds?.Keys ?? (IEnumerable<int>)_nextOffsets.Keys);
                _connection.WriteRequest(request, FetchVersion, correlationId);
                var response = _connection.ReadResponse<FetchResponse>(FetchVersion, correlationId++);
                if (response.ErrorCode != ErrorCode.None)
                {
                    throw new InvalidDataException($"fetch: {response.ErrorCode}");
                }

                foreach (var partition in response.Responses.SelectMany(t => t.Partitions))
                {
                    Count(partition);
                }

                // Counted before caught-up is published: the runner takes its last sample once it sees it.
                _meter.Consumed(_records, _bytes);
                _records = 0;
                _bytes = 0;
                Volatile.Write(ref _caughtUp, _remainingEnds is { Count: 0 });
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ProtocolException or InvalidDataException)
        {
            // A benchmark consumer does not retry: the error is counted and said, and the run goes on without it.
            _meter.Error();
            Console.Error.WriteLine($"[{_options.Name}] wire consumer stopped: {e.Message}");
        }
    }

    private FetchRequest FetchRequestFor(IEnumerable<int> partitions) => new()
    {
        MaxWaitMs = ConfluentConsumerWorker.FetchWaitMs,
        MinBytes = 1,
        MaxBytes = ConfluentConsumerWorker.ResponseFetchBytes,
        Topics =
        [
            new()
            {
                Name = _options.Topic,
                Partitions = partitions.Select(p => new FetchRequest.FetchPartition
                {
                    Partition = p,
                    FetchOffset = _nextOffsets[p],
                    PartitionMaxBytes = ConfluentConsumerWorker.PartitionFetchBytes,
                }).ToList(),
            },
        ],
    };

    private void Count(FetchResponse.PartitionData partition)
    {
        if (partition.ErrorCode != ErrorCode.None)
        {
            throw new InvalidDataException($"partition {partition.PartitionIndex}: {partition.ErrorCode}");
        }

        if (partition.Records is not MemoryRecords { Length: > 0 } records)
        {
            return;
        }

        long countedFrom = _records;
        long next = PlainRecordBatch.Decode(records.Bytes, CountRecord);
        if (next < 0)
        {
            return;
        }

        if (countedFrom == _records)
        {
            // The response held batches but no record: they were compressed or empty, which
            // this client does not count (the load tool's producers write plain batches).
            throw new InvalidDataException($"partition {partition.PartitionIndex}: batches without plain records");
        }

        _meter.FirstConsumed(Stopwatch.GetTimestamp());
        _nextOffsets[partition.PartitionIndex] = next;
        if (_remainingEnds is not null && _remainingEnds.TryGetValue(partition.PartitionIndex, out long end) && next >= end)
        {
            _remainingEnds.Remove(partition.PartitionIndex);
        }
    }

    private void CountRecord(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value)
    {
        _records++;
        if (value is not { } bytes)
        {
            return;
        }

        _bytes += bytes.Length;
        if (_remainingEnds is null && bytes.Length >= RecordStamp.Size)
        {
            _meter.RecordEndToEnd(RecordStamp.Read(bytes.Span));
        }
    }

    public void Dispose() => _connection.Dispose();
}

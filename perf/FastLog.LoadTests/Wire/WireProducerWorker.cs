using System.Collections.Concurrent;
using System.Diagnostics;
using FastLog.Client;
using FastLog.LoadTests.Scenarios;
using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.LoadTests.Wire;

/// <summary>
/// A producer on FastLog's minimal client: one connection, Produce requests pipelined with up to a
/// fixed number in flight, ack latency per request charged to each of its records.
/// <list type="bullet">
/// <item>Closed model (InFlight): one pre-encoded request per partition (one plain batch of
/// <see cref="ScenarioOptions.BatchBytes"/> worth of identical, unstamped records) sent
/// round-robin; only the correlation id changes between sends, so the client's CPU per byte is a
/// socket write and what it measures is the broker.</item>
/// <item>Open model (Inject, Ramp): the pacer of <see cref="ConfluentProducerWorker"/>; every tick
/// the records that fell due go out in one request, spread round-robin over the partitions, each
/// stamped with its send and due time (<see cref="RecordStamp"/>), so tail consumers measure
/// end-to-end latency as with Confluent's producer. Records wait while the window is full (their
/// send delay shows it).</item>
/// </list>
/// Threads: <see cref="Run"/>'s thread sends; a receiver thread it starts reads the responses in
/// order. They share the in-flight semaphore, the queue of sent requests (send time and record
/// count: the sender enqueues before sending, the receiver dequeues per response) and the answered
/// count.
/// </summary>
internal sealed class WireProducerWorker : IProducerWorker
{
    private const short ProduceVersion = 9;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly ScenarioOptions _options;
    private readonly ScenarioMeter _meter;
    private readonly IReadOnlyList<int> _partitions;
    private readonly RatePacer? _pacer;
    private readonly KafkaClientConnection _connection;
    private readonly int _recordsPerRequest;
    private readonly SemaphoreSlim _inFlight;
    private readonly ConcurrentQueue<(long SentAt, int Records)> _requestsSent = new();

    /// <summary>Responses read: written by the receiver only (Volatile.Write), read by the sender while it drains.</summary>
    private int _answered;

    /// <summary>Requests sent (the next correlation id); sender thread only.</summary>
    private int _sent;

    /// <summary>Set by the sender (Volatile) before it closes the connection, so the receiver tells that end from a broker failure.</summary>
    private bool _closing;

    /// <summary>
    /// Connects a producer writing to <paramref name="partitions"/> (in that order, round-robin),
    /// paced by <paramref name="pacer"/> (null: closed model). <paramref name="inFlightRecords"/>:
    /// records allowed unacknowledged, a window of that many records' full requests (at least one).
    /// </summary>
    public WireProducerWorker(ScenarioOptions options, ScenarioMeter meter, IReadOnlyList<int> partitions, RatePacer? pacer, int inFlightRecords)
    {
        _options = options;
        _meter = meter;
        _partitions = partitions;
        _pacer = pacer;
        _recordsPerRequest = Math.Max(1, options.BatchBytes / options.RecordSize);
        int window = Math.Max(1, inFlightRecords / _recordsPerRequest);
        _inFlight = new SemaphoreSlim(window, window);
        _connection = WireConnections.Connect(options.BootstrapServers, readTimesOut: false);
    }

    public void Run(long startedAt, long stopAt, CancellationToken cancel)
    {
        var receiver = new Thread(Receive) { IsBackground = true, Name = "wire-producer-receiver" };
        receiver.Start();
        try
        {
            if (_pacer is null)
            {
                RunClosed(stopAt, receiver, cancel);
            }
            else
            {
                RunOpen(_pacer, startedAt, stopAt, receiver, cancel);
            }

            // Every sent request answered (or the receiver gone) before the run's totals are read.
            long deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
            while (Volatile.Read(ref _answered) < _sent && receiver.IsAlive && Stopwatch.GetTimestamp() < deadline)
            {
                Thread.Sleep(1);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            _meter.Error();
        }
        finally
        {
            Volatile.Write(ref _closing, true);
            _connection.Dispose();
            receiver.Join();
        }
    }

    private void RunClosed(long stopAt, Thread receiver, CancellationToken cancel)
    {
        var value = RecordStamp.NewValue(_options.RecordSize);
        var batch = new RecordBatchBuilder { FirstTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }
            .Build(Enumerable.Repeat(new KeyValueRecord([], value), _recordsPerRequest).ToList());
        var requests = _partitions.Select(p => _connection.EncodeRequest(Request([(p, batch)]), ProduceVersion)).ToArray();
        while (!cancel.IsCancellationRequested && !Finished(Stopwatch.GetTimestamp(), stopAt) && receiver.IsAlive)
        {
            if (_inFlight.Wait(10, cancel))
            {
                var frame = requests[_sent % requests.Length];
                KafkaClientConnection.SetCorrelationId(frame, _sent);
                Sending(_recordsPerRequest, Stopwatch.GetTimestamp());
                _connection.Write(frame);
                Sent(_recordsPerRequest);
            }
        }
    }

    /// <summary>Sends what fell due every pacer tick, at most a full request at a time while the window has room.</summary>
    private void RunOpen(RatePacer pacer, long startedAt, long stopAt, Thread receiver, CancellationToken cancel)
    {
        var due = new Queue<long>();
        var sending = new List<long>(_recordsPerRequest);
        using var stamped = new StampedRequests(_options.RecordSize, _partitions);
        long index = 0;
        long dueAt = pacer.DueTimestamp(startedAt, index);
        while (!cancel.IsCancellationRequested && receiver.IsAlive)
        {
            long now = Stopwatch.GetTimestamp();
            if (Finished(now, stopAt))
            {
                break;
            }

            for (; dueAt <= now; dueAt = pacer.DueTimestamp(startedAt, ++index))
            {
                due.Enqueue(dueAt);
            }

            while (due.Count > 0 && _inFlight.Wait(0, cancel))
            {
                sending.Clear();
                while (sending.Count < _recordsPerRequest && due.TryDequeue(out long next))
                {
                    sending.Add(next);
                }

                long sentAt = Stopwatch.GetTimestamp();
                foreach (long recordDueAt in sending)
                {
                    ScenarioMeter.Record(_meter.SendDelay, RecordStamp.Micros(recordDueAt, sentAt));
                }

                var request = Request(stamped.Encode(sending, sentAt));
                Sending(sending.Count, sentAt);
                _connection.WriteRequest(request, ProduceVersion, _sent);
                Sent(sending.Count);
            }

            // Records still waiting for the window retry every tick, not at the next due time.
            long sleep = due.Count > 0 ? ConfluentProducerWorker.PacerTickMicros : RecordStamp.Micros(Stopwatch.GetTimestamp(), dueAt);
            MicroSleep.For(Math.Max(ConfluentProducerWorker.PacerTickMicros, sleep));
        }
    }

    private ProduceRequest Request(IEnumerable<(int Partition, ReadOnlyMemory<byte> Batch)> batches) => new()
    {
        Acks = (short)_options.Acks,
        TimeoutMs = 30_000,
        TopicData = [new() { Name = _options.Topic, Partitions = batches.Select(b => new ProduceRequest.PartitionProduceData { Index = b.Partition, Records = b.Batch }).ToList() }],
    };

    /// <summary>Before the request goes out: the receiver may read its response before <see cref="Sent"/>.</summary>
    private void Sending(int records, long sentAt) => _requestsSent.Enqueue((sentAt, records));

    private void Sent(int records)
    {
        _sent++;
        _meter.Produced(records, (long)records * _options.RecordSize);
    }

    private bool Finished(long now, long stopAt) => _options.ProducingDone(now, stopAt, _meter.ProducedBytes);

    /// <summary>Reads responses in order until the connection closes; each one acknowledges (or fails) one request's records.</summary>
    private void Receive()
    {
        try
        {
            while (true)
            {
                var response = _connection.ReadResponse<ProduceResponse>(ProduceVersion, _answered);
                long now = Stopwatch.GetTimestamp();
                _requestsSent.TryDequeue(out var request);
                if (response.Responses.SelectMany(t => t.Partitions).Any(p => p.ErrorCode != ErrorCode.None))
                {
                    _meter.Error();
                }
                else
                {
                    _meter.Acked(request.Records);
                    _meter.AckLatency.RecordValueWithCount(Math.Clamp(RecordStamp.Micros(request.SentAt, now), 1, ScenarioMeter.HighestMicros), request.Records);
                }

                Volatile.Write(ref _answered, _answered + 1);
                _inFlight.Release();
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or ProtocolException)
        {
            // Closed by Run once everything was answered, or a broker failure: then Run stops
            // sending (this thread is gone) and the run shows an error, not a shorter clean run.
            if (!Volatile.Read(ref _closing))
            {
                _meter.Error();
                Console.Error.WriteLine($"[{_options.Name}] wire producer stopped: {e.Message}");
            }
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        _inFlight.Dispose();
    }
}

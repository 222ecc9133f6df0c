using System.Diagnostics;
using FastLog.Broker.Records;
using FastLog.LoadTests.Scenarios;
using FastLog.Protocol;

namespace FastLog.LoadTests.Wire;

/// <summary>
/// A producer on FastLog's minimal client: one connection, one pre-encoded Produce request per
/// partition (one plain batch of <see cref="ScenarioOptions.BatchBytes"/> worth of records), sent
/// round-robin over the partitions with up to a fixed number of requests in flight (closed model).
/// Only the correlation id changes between sends, so the client's CPU per byte is a socket write:
/// what it measures is the broker. Records carry no send stamp (they are identical), so a tail
/// consumer counts them but records no end-to-end latency; ack latency is per request, charged to
/// each of its records.
/// Threads: <see cref="Run"/>'s thread sends; a receiver thread it starts reads the responses in
/// order. They share the in-flight semaphore, the queue of send timestamps (sender enqueues
/// before sending, receiver dequeues per response) and the answered count.
/// </summary>
internal sealed class WireProducerWorker : IProducerWorker
{
    private const short ProduceVersion = 9;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly ScenarioOptions _options;
    private readonly ScenarioMeter _meter;
    private readonly WireConnection _connection;
    private readonly byte[][] _requests;
    private readonly int _recordsPerRequest;
    private readonly SemaphoreSlim _inFlight;
    private readonly System.Collections.Concurrent.ConcurrentQueue<long> _sentAt = new();

    /// <summary>Responses read: written by the receiver only (Volatile.Write), read by the sender while it drains.</summary>
    private int _answered;

    /// <summary>
    /// Encodes one request per partition of <paramref name="partitions"/> (sent in that order,
    /// round-robin) and connects. <paramref name="inFlightRecords"/>: records allowed
    /// unacknowledged, a window of that many records' requests (at least one).
    /// </summary>
    public WireProducerWorker(ScenarioOptions options, ScenarioMeter meter, IReadOnlyList<int> partitions, int inFlightRecords)
    {
        _options = options;
        _meter = meter;
        _recordsPerRequest = Math.Max(1, options.BatchBytes / options.RecordSize);
        int window = Math.Max(1, inFlightRecords / _recordsPerRequest);
        _inFlight = new SemaphoreSlim(window, window);
        var value = new byte[options.RecordSize];
        value.AsSpan(RecordStamp.Size).Fill((byte)'x');
        var records = Enumerable.Repeat(new KeyValueRecord([], value), _recordsPerRequest).ToList();
        var batch = PlainRecordBatch.Encode(records, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _requests = partitions.Select(p => WireConnection.EncodeRequest(
            new ProduceRequest
            {
                Acks = (short)options.Acks,
                TimeoutMs = 30_000,
                TopicData = [new() { Name = options.Topic, Partitions = [new() { Index = p, Records = batch }] }],
            },
            ProduceVersion)).ToArray();
        _connection = WireConnection.Connect(options.BootstrapServers);
    }

    public void Run(long startedAt, long stopAt, CancellationToken cancel)
    {
        var receiver = new Thread(Receive) { IsBackground = true, Name = "wire-producer-receiver" };
        receiver.Start();
        int sent = 0;
        long bytesPerRequest = (long)_recordsPerRequest * _options.RecordSize;
        try
        {
            while (!cancel.IsCancellationRequested && !Finished(stopAt) && receiver.IsAlive)
            {
                if (!_inFlight.Wait(10, cancel))
                {
                    continue;
                }

                var request = _requests[sent % _requests.Length];
                WireConnection.SetCorrelationId(request, sent);
                _sentAt.Enqueue(Stopwatch.GetTimestamp());
                _connection.Send(request);
                sent++;
                _meter.Produced(_recordsPerRequest, bytesPerRequest);
            }

            // Every sent request answered (or the receiver gone) before the run's totals are read.
            long deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
            while (Volatile.Read(ref _answered) < sent && receiver.IsAlive && Stopwatch.GetTimestamp() < deadline)
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
            _connection.Dispose();
            receiver.Join();
        }
    }

    private bool Finished(long stopAt) =>
        Stopwatch.GetTimestamp() >= stopAt || (_options.MaxBytes > 0 && _meter.ProducedBytes >= _options.MaxBytes);

    /// <summary>Reads responses in order until the connection closes; each one acknowledges (or fails) one request's records.</summary>
    private void Receive()
    {
        try
        {
            while (true)
            {
                var response = _connection.Receive<ProduceResponse>(ProduceVersion, _answered);
                long now = Stopwatch.GetTimestamp();
                _sentAt.TryDequeue(out long sentAt);
                if (response.Responses.SelectMany(t => t.Partitions).Any(p => p.ErrorCode != ErrorCode.None))
                {
                    _meter.Error();
                }
                else
                {
                    _meter.Acked(_recordsPerRequest);
                    _meter.AckLatency.RecordValueWithCount(Math.Clamp(RecordStamp.Micros(sentAt, now), 1, ScenarioMeter.HighestMicros), _recordsPerRequest);
                }

                Volatile.Write(ref _answered, _answered + 1);
                _inFlight.Release();
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or ProtocolException)
        {
            // Closed by Run once everything was answered, or by the broker (Run then stops sending:
            // this thread is gone).
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        _inFlight.Dispose();
    }
}

using System.Collections.Concurrent;
using Confluent.Kafka;
using FastLog.Testing;
using Xunit.Abstractions;

namespace FastLog.Broker.Tests;

/// <summary>
/// The stall probe: idempotent acks=all Confluent.Kafka producers under load while the real broker
/// process is stopped (SIGSTOP) for longer than the client's request timeout. The client gives up
/// on its requests, reconnects and retries them with the same sequences; when the broker continues,
/// the originals (still in its socket buffers) and their retries arrive together, so retries find
/// their originals still being written. Each must be answered with the original's offsets: no
/// delivery may fail, and every acknowledged record is stored exactly once, where it was reported.
/// </summary>
public sealed class IdempotentStallTests(ITestOutputHelper output) : IDisposable
{
    private const string Topic = "stall";
    private const int PartitionCount = 6;

    // Several clients: more connections time out and retry at once after each stall.
    private const int ProducerCount = 4;
    private const int Stalls = 3;
    private static readonly TimeSpan StallTime = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan RunningTime = TimeSpan.FromSeconds(2);
    private static readonly string Padding = new('p', 100);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fastlog-stall-{Guid.NewGuid():N}");

    [Fact]
    public async Task StallsLongerThanTheRequestTimeout_FailNoDelivery_AndStoreEveryAcknowledgedRecordOnce()
    {
        using var broker = await BrokerProcess.StartAsync(new BrokerProcessOptions
        {
            DataDirectory = _dataDirectory,
            Arguments = ["--shards", "2", "--partitions", PartitionCount.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        });
        var acknowledged = new ConcurrentDictionary<string, (int Partition, long Offset)>();
        var failed = new ConcurrentQueue<(int Stall, string Value, string Reason)>();
        var stall = 0;
        var sent = 0;
        var producers = Enumerable.Range(0, ProducerCount).Select(_ => new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 2,
            // Shorter than a stall, so the client times its requests out and retries them ...
            RequestTimeoutMs = 3000,
            SocketTimeoutMs = 3000,
            // ... and long enough that no record runs out of time across the stalls.
            MessageTimeoutMs = 120_000,
        }).Build()).ToList();
        try
        {
            using var stop = new CancellationTokenSource();
            var load = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var value = $"v{sent}-{Padding}";
                    producers[sent++ % ProducerCount].Produce(Topic, new Message<Null, string> { Value = value }, report =>
                    {
                        if (report.Error.IsError)
                        {
                            failed.Enqueue((Volatile.Read(ref stall), value, report.Error.ToString()));
                        }
                        else
                        {
                            acknowledged[value] = (report.Partition.Value, report.Offset.Value);
                        }
                    });
                    // Up to about 10,000 records a second: a stall's worth stays inside the clients' queues.
                    if (sent % 10 == 0)
                    {
                        await Task.Delay(1);
                    }
                }
            });

            for (var i = 1; i <= Stalls; i++)
            {
                await Task.Delay(RunningTime);
                Assert.NotEmpty(acknowledged);
                Volatile.Write(ref stall, i);
                broker.Pause();
                await Task.Delay(StallTime);
                broker.Resume();
            }

            await Task.Delay(RunningTime);
            await stop.CancelAsync();
            await load;
            Assert.All(producers, p => Assert.Equal(0, p.Flush(TimeSpan.FromSeconds(90))));
        }
        finally
        {
            producers.ForEach(p => p.Dispose());
        }

        var failuresPerStall = Enumerable.Range(0, Stalls + 1).Select(s => failed.Count(f => f.Stall == s)).ToList();
        output.WriteLine($"sent {sent}, acknowledged {acknowledged.Count}, failed per stall (0 = before the first) [{string.Join(", ", failuresPerStall)}]");
        foreach (var reason in failed.GroupBy(f => f.Reason))
        {
            output.WriteLine($"  {reason.Count()} x {reason.Key}");
        }

        Assert.Empty(failed);
        Assert.Equal(sent, acknowledged.Count);

        var stored = TopicReader.ReadAll(broker.BootstrapServers, Topic, PartitionCount);
        foreach (var (value, (partition, offset)) in acknowledged)
        {
            Assert.True(stored.TryGetValue((partition, offset), out var found), $"acknowledged {value} at {partition}@{offset} is missing");
            Assert.Equal(value, found);
        }

        var duplicated = stored.Values.GroupBy(v => v).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicated.Count == 0, $"stored more than once: {string.Join(", ", duplicated.Take(10))}");
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}

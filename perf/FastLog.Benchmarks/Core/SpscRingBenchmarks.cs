using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using FastLog.Core;

namespace FastLog.Benchmarks.Core;

/// <summary>
/// Messages/s from one producer thread to one consumer thread: the shards' <see cref="SpscRing{T}"/>
/// (bounded, consumer drains in batches, as the shard loop uses it) against the BCL queues a
/// runtime could use instead. Each invocation moves <see cref="Messages"/> references; the runtime
/// sends pooled message objects, so the payload is one preallocated object and nothing allocates
/// per message except what a queue does itself. The benchmark thread consumes, a fresh producer
/// thread per invocation produces; the queues are reached through struct adapters (generic
/// specialization, no delegate call per message). Threads are not pinned (the machine is shared).
/// Both sides wait with <see cref="SpinWait"/> (spins, then yields; never sleeps a millisecond):
/// on an oversubscribed machine a bounded ring's producer that spun without yielding would burn
/// its whole time slice waiting for a consumer that cannot run, and measure the scheduler instead.
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class SpscRingBenchmarks
{
    private const int Messages = 1_000_000;
    private const int RingCapacity = 1024; // ShardGroupOptions.RingCapacity default
    private const int DrainBatch = 64; // the shard loop's drain batch

    private static readonly object Payload = new();

    private interface IQueue
    {
        bool TryAdd(object item);

        /// <summary>Takes what is available, up to <paramref name="batch"/>'s length (the BCL queues: one); returns how many.</summary>
        int Take(object[] batch);
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int SpscRing() => Transfer(new Ring(new SpscRing<object>(RingCapacity)));

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public int ConcurrentQueue() => Transfer(new Queue(new ConcurrentQueue<object>()));

    [Benchmark(OperationsPerInvoke = Messages)]
    public int ChannelSingleReaderWriter() =>
        Transfer(new UnboundedChannel(Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true })));

    /// <summary>Producer: offers every message, spinning while the queue refuses (a full ring).</summary>
    private static Thread StartProducer<TQueue>(TQueue queue)
        where TQueue : struct, IQueue
    {
        var thread = new Thread(() =>
        {
            var waiter = default(SpinWait);
            for (int i = 0; i < Messages; i++)
            {
                while (!queue.TryAdd(Payload))
                {
                    waiter.SpinOnce(sleep1Threshold: -1);
                }

                waiter.Reset();
            }
        });
        thread.Start();
        return thread;
    }

    /// <summary>The benchmark thread takes until every message arrived.</summary>
    private static int Transfer<TQueue>(TQueue queue)
        where TQueue : struct, IQueue
    {
        var producer = StartProducer(queue);
        var batch = new object[DrainBatch];
        var waiter = default(SpinWait);
        int received = 0;
        while (received < Messages)
        {
            int n = queue.Take(batch);
            if (n == 0)
            {
                waiter.SpinOnce(sleep1Threshold: -1);
            }
            else
            {
                waiter.Reset();
                received += n;
            }
        }

        producer.Join();
        return received;
    }

    private readonly struct Ring(SpscRing<object> ring) : IQueue
    {
        public bool TryAdd(object item) => ring.TryEnqueue(item);

        public int Take(object[] batch) => ring.Drain(batch);
    }

    private readonly struct Queue(ConcurrentQueue<object> queue) : IQueue
    {
        public bool TryAdd(object item)
        {
            queue.Enqueue(item);
            return true;
        }

        public int Take(object[] batch) => queue.TryDequeue(out _) ? 1 : 0;
    }

    private readonly struct UnboundedChannel(Channel<object> channel) : IQueue
    {
        public bool TryAdd(object item) => channel.Writer.TryWrite(item);

        public int Take(object[] batch) => channel.Reader.TryRead(out _) ? 1 : 0;
    }
}

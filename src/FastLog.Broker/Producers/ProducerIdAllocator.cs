using System.Globalization;
using System.Text;
using FastLog.Core;

namespace FastLog.Broker.Producers;

/// <summary>
/// Hands out producer ids for InitProducerId, never the same one twice, across restarts too.
/// Ids are reserved in blocks: {data-dir}/producer_ids holds the first id of the next block and
/// is rewritten durably (atomic replace) before any id of a new block is given out, so a crash
/// skips at most the rest of a block and never reuses an id.
///
/// Concurrency protocol: any shard may call <see cref="NextAsync"/>; ids inside the reserved block
/// come from Interlocked.Increment on <see cref="_next"/> (lock-free); reserving a new block is rare
/// and serialized by <see cref="_reserveGate"/> (off the produce/fetch path).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim holds an OS handle only once AvailableWaitHandle is read, which this gate never does; the allocator lives as long as the broker.")]
public sealed class ProducerIdAllocator
{
    private const long BlockSize = 1000;
    private const string FileName = "producer_ids";

    private readonly string _path;
    private readonly SemaphoreSlim _reserveGate = new(1, 1);
    private long _next;
    private long _reservedEnd;

    private ProducerIdAllocator(string path, long next)
    {
        _path = path;
        _next = next - 1;
        _reservedEnd = next;
    }

    public static ProducerIdAllocator Open(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var next = File.Exists(path) ? long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture) : 0;
        return new ProducerIdAllocator(path, next);
    }

    public async ValueTask<long> NextAsync()
    {
        while (true)
        {
            var id = Interlocked.Increment(ref _next);
            if (id < Volatile.Read(ref _reservedEnd))
            {
                return id;
            }

            await _reserveGate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (id >= Volatile.Read(ref _reservedEnd))
                {
                    var end = id + BlockSize;
                    await Task.Run(() => DurableFile.ReplaceAtomically(_path, Encoding.ASCII.GetBytes(end.ToString(CultureInfo.InvariantCulture)))).ConfigureAwait(false);
                    Volatile.Write(ref _reservedEnd, end);
                    return id;
                }
            }
            finally
            {
                _reserveGate.Release();
            }
        }
    }
}

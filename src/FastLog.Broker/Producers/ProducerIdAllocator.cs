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
/// <para>In a cluster the blocks come from the metadata log instead (<see cref="InCluster"/>): the
/// controller hands out ids, each block committed as a producer-ids record above every block
/// before it, so no two brokers, and no two successive controllers, give out the same id. There
/// every id is taken under the gate: blocks are not contiguous, and InitProducerId is rare.</para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim holds an OS handle only once AvailableWaitHandle is read, which this gate never does; the allocator lives as long as the broker.")]
public sealed class ProducerIdAllocator
{
    private const long BlockSize = 1000;
    private const string FileName = "producer_ids";

    private readonly string _path;
    private readonly Func<int, Task<long>>? _allocateBlock;
    private readonly SemaphoreSlim _reserveGate = new(1, 1);
    private long _next;
    private long _reservedEnd;

    private ProducerIdAllocator(string path, long next, Func<int, Task<long>>? allocateBlock = null)
    {
        _path = path;
        _next = next - 1;
        _reservedEnd = next;
        _allocateBlock = allocateBlock;
    }

    /// <summary>An allocator whose blocks come from <paramref name="allocateBlock"/> (count -> first id), the controller's producer-id blocks.</summary>
    public static ProducerIdAllocator InCluster(Func<int, Task<long>> allocateBlock) => new(string.Empty, 0, allocateBlock);

    public static ProducerIdAllocator Open(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var next = File.Exists(path) ? long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture) : 0;
        return new ProducerIdAllocator(path, next);
    }

    public async ValueTask<long> NextAsync()
    {
        if (_allocateBlock is not null)
        {
            return await NextFromClusterBlockAsync(_allocateBlock).ConfigureAwait(false);
        }

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

    private async Task<long> NextFromClusterBlockAsync(Func<int, Task<long>> allocateBlock)
    {
        await _reserveGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_next + 1 >= _reservedEnd)
            {
                var first = await allocateBlock((int)BlockSize).ConfigureAwait(false);
                (_next, _reservedEnd) = (first - 1, first + BlockSize);
            }

            return ++_next;
        }
        finally
        {
            _reserveGate.Release();
        }
    }
}

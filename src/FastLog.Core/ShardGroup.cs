using FastLog.Core.Interop;

namespace FastLog.Core;

/// <summary>
/// The set of shards: creates them and the N*(N-1) SPSC rings between every ordered pair,
/// starts their threads and stops them. <see cref="Start"/>, <see cref="Dispose"/> and
/// <see cref="RunAsync{T}"/> are for code that is not on a shard (startup, tests, admin);
/// shards talk to each other with <see cref="Shard.SubmitTo"/>.
/// </summary>
public sealed class ShardGroup : IDisposable
{
    private const int Created = 0;
    private const int Started = 1;
    private const int Disposed = 2;

    private readonly Shard[] _shards;
    private int _state;

    public ShardGroup(ShardGroupOptions? options = null)
    {
        Options = options ?? new ShardGroupOptions();
        Options.Validate();
        int[] cpus = Options.PinThreads ? CpuAffinity.GetAllowedCpus() : [];
        _shards = new Shard[Options.ShardCount];
        for (int i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new Shard(this, i, Options.PinThreads ? cpus[i % cpus.Length] : -1, Options);
        }

        foreach (var from in _shards)
        {
            foreach (var to in _shards)
            {
                if (from != to)
                {
                    from.Connect(to, new SpscRing<IShardMessage>(Options.RingCapacity));
                }
            }
        }
    }

    public ShardGroupOptions Options { get; }

    public int Count => _shards.Length;

    public Shard this[int id] => _shards[id];

    /// <summary>Starts every shard thread and waits until each has pinned itself and created its io_uring; throws if any failed.</summary>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, Started, Created) != Created)
        {
            throw new InvalidOperationException("The shard group was already started or disposed.");
        }

        try
        {
            foreach (var shard in _shards)
            {
                shard.Start();
            }

            foreach (var shard in _shards)
            {
                shard.WaitStarted();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on shard <paramref name="target"/> from anywhere: from a shard of
    /// this group through its SPSC ring (<see cref="Shard.SubmitTo"/>, the hot path), from any other
    /// thread through <see cref="RunAsync{T}(int, Func{ValueTask{T}})"/>.
    /// </summary>
    public ValueTask<TResult> SubmitAsync<TState, TResult>(int target, TState state, Func<TState, ValueTask<TResult>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var current = Shard.Current;
        if (current is not null && current.Group == this)
        {
            return current.SubmitTo(target, state, work);
        }

        return new ValueTask<TResult>(RunAsync(target, () => work(state)));
    }

    /// <summary>Runs <paramref name="work"/> on shard <paramref name="shardId"/>; for callers that are not on a shard (not the hot path).</summary>
    public Task<T> RunAsync<T>(int shardId, Func<ValueTask<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        this[shardId].Post(static s =>
        {
            var (w, c) = ((Func<ValueTask<T>>, TaskCompletionSource<T>))s!;
            _ = RunAndCompleteAsync(w, c);
        }, (work, completion));
        return completion.Task;
    }

    /// <summary>Runs <paramref name="work"/> on shard <paramref name="shardId"/>; for callers that are not on a shard.</summary>
    public Task RunAsync(int shardId, Func<ValueTask> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(shardId, async () =>
        {
            await work().ConfigureAwait(true);
            return true;
        });
    }

    /// <summary>Stops every loop and joins the threads. Not callable from a shard of this group (it would join itself).</summary>
    public void Dispose()
    {
        if (Shard.Current?.Group == this)
        {
            throw new InvalidOperationException("A shard group cannot be disposed from one of its own shards.");
        }

        if (Interlocked.Exchange(ref _state, Disposed) == Disposed)
        {
            return;
        }

        foreach (var shard in _shards)
        {
            shard.RequestStop();
        }

        foreach (var shard in _shards)
        {
            shard.Join();
        }
    }

    private static async Task RunAndCompleteAsync<T>(Func<ValueTask<T>> work, TaskCompletionSource<T> completion)
    {
        try
        {
            completion.TrySetResult(await work().ConfigureAwait(true));
        }
        catch (Exception error)
        {
            completion.TrySetException(error);
        }
    }
}

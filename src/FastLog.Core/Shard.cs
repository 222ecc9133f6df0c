using System.Collections.Concurrent;

namespace FastLog.Core;

/// <summary>
/// One core's worth of the broker: a dedicated thread pinned to one CPU, running one event loop
/// (see Shard.Loop.cs) that owns an <see cref="IoRing"/>, an <see cref="AlignedBufferPool"/>,
/// timers and the receiving ends of the cross-shard rings. Everything a shard owns is touched
/// only by its thread; other threads reach it through <see cref="Post"/> (any thread),
/// <see cref="SubmitTo"/> (from another shard) or <see cref="ShardGroup.RunAsync{T}"/>.
/// Code running on a shard must never block.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The ring and buffer pool belong to the shard thread: its loop creates them and disposes them as it exits (ShardGroup.Dispose joins it); no other thread may.")]
public sealed partial class Shard
{
    [ThreadStatic]
    private static Shard? _current;

    private readonly ShardGroupOptions _options;
    private readonly ShardSynchronizationContext _context;
    private readonly Queue<ShardWorkItem> _localWork = new();
    private readonly ConcurrentQueue<ShardWorkItem> _inbox = new();
    private IoRing? _io;
    private AlignedBufferPool? _buffers;

    internal Shard(ShardGroup group, int id, int cpu, ShardGroupOptions options)
    {
        Group = group;
        Id = id;
        Cpu = cpu;
        _options = options;
        _context = new ShardSynchronizationContext(this);
        _outbound = new SpscRing<IShardMessage>?[options.ShardCount];
        _inbound = new SpscRing<IShardMessage>?[options.ShardCount];
        _overflow = new Queue<IShardMessage>[options.ShardCount];
        _wakePending = new bool[options.ShardCount];
        for (int i = 0; i < _overflow.Length; i++)
        {
            _overflow[i] = new Queue<IShardMessage>();
        }
    }

    /// <summary>The shard whose thread is running the caller; null on any other thread.</summary>
    public static Shard? Current => _current;

    public int Id { get; }

    public ShardGroup Group { get; }

    /// <summary>The CPU this shard's thread is pinned to; -1 when pinning is off.</summary>
    public int Cpu { get; }

    /// <summary>Kernel thread id (gettid) of the shard's thread, once started; see /proc/self/task/TID.</summary>
    public int NativeThreadId { get; private set; }

    /// <summary>True when called on this shard's thread.</summary>
    public bool IsCurrent => _current == this;

    /// <summary>This shard's io_uring; use only on this shard's thread.</summary>
    public IoRing Io => _io ?? throw new InvalidOperationException("The shard has not started.");

    /// <summary>This shard's aligned buffer pool (<see cref="ShardGroupOptions.BufferSize"/> bytes each); use only on this shard's thread.</summary>
    public AlignedBufferPool Buffers => _buffers ?? throw new InvalidOperationException("The shard has not started.");

    /// <summary>
    /// Runs <paramref name="callback"/> on this shard in a later loop turn. Safe from any thread:
    /// on the shard itself it goes to a local queue; from elsewhere to the shard's inbox, waking
    /// the shard if it sleeps.
    /// </summary>
    public void Post(Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Enqueue(new ShardWorkItem(callback, state));
    }

    internal void Enqueue(in ShardWorkItem item)
    {
        if (IsCurrent)
        {
            _localWork.Enqueue(item);
            return;
        }

        ObjectDisposedException.ThrowIf(_stopRequested, this);
        _inbox.Enqueue(item);
        WakeIfSleeping();
    }

    internal void ThrowIfNotCurrent()
    {
        if (!IsCurrent)
        {
            throw new InvalidOperationException(
                $"This must be called on shard {Id}'s thread (off-shard code uses ShardGroup.RunAsync or Shard.Post).");
        }
    }

    private void ReportUnhandled(Exception error)
    {
        if (_options.UnhandledException is { } handler)
        {
            handler(this, error);
        }
        else
        {
            Console.Error.WriteLine($"FastLog shard {Id}: unhandled exception in shard work: {error}");
        }
    }

    private void Invoke(in ShardWorkItem item)
    {
        try
        {
            item.Invoke();
        }
        catch (Exception error)
        {
            ReportUnhandled(error);
        }
    }
}

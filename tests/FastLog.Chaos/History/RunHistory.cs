using System.Diagnostics;

namespace FastLog.Chaos.History;

/// <summary>
/// Everything a run observed: writes with their outcomes, what the consumers read, the commits
/// acknowledged, the faults, and the final read of every partition from the start.
/// Threads: any thread records (producers' delivery handlers, consumer loops, the fault task),
/// each list under its own lock (<see cref="Acknowledged"/> by Interlocked); the checker and the report read the lists only after every
/// recorder has stopped.
/// </summary>
internal sealed class RunHistory
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<WriteOp> _writes = [];
    private readonly List<ReadOp> _reads = [];
    private readonly List<CommitOp> _commits = [];
    private readonly List<FaultEvent> _faults = [];
    private readonly List<ReadOp> _finalRead = [];
    private int _acknowledged;

    /// <summary>Milliseconds since the run started: the time of every event.</summary>
    public double NowMs => _clock.Elapsed.TotalMilliseconds;

    public IReadOnlyList<WriteOp> Writes => _writes;

    /// <summary>Acknowledged writes so far: readable while the run records (the lists are not).</summary>
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>The consumers' reads during the run (the final read not included).</summary>
    public IReadOnlyList<ReadOp> Reads => _reads;

    public IReadOnlyList<CommitOp> Commits => _commits;

    public IReadOnlyList<FaultEvent> Faults => _faults;

    /// <summary>Every partition read from its start after the faults ended; the authority on what is stored.</summary>
    public IReadOnlyList<ReadOp> FinalRead => _finalRead;

    /// <summary>The group's committed offsets read back after the faults ended (partition → next offset).</summary>
    public IReadOnlyDictionary<int, long> FinalCommitted { get; private set; } = new Dictionary<int, long>();

    public void Record(WriteOp write)
    {
        Add(_writes, write);
        if (write.Outcome == WriteOutcome.Ok)
        {
            Interlocked.Increment(ref _acknowledged);
        }
    }

    public void Record(ReadOp read) => Add(_reads, read);

    public void Record(CommitOp commit) => Add(_commits, commit);

    public void Record(FaultEvent fault) => Add(_faults, fault);

    public void RecordFinal(ReadOp read) => Add(_finalRead, read);

    public void RecordFinalCommitted(IReadOnlyDictionary<int, long> committed) => FinalCommitted = committed;

    private static void Add<T>(List<T> list, T item)
    {
        lock (list)
        {
            list.Add(item);
        }
    }
}

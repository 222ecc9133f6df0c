using FastLog.Chaos.Faults;
using FastLog.Chaos.History;

namespace FastLog.Chaos.Tests;

/// <summary>Hand-made histories for the checker: writes of producer 0 with their outcomes, what the final read and the consumers saw.</summary>
internal sealed class HistoryBuilder
{
    public RunHistory History { get; } = new();

    /// <summary>An acknowledged write of sequence <paramref name="sequence"/> at <paramref name="partition"/>@<paramref name="offset"/>, acknowledged at <paramref name="ackMs"/>.</summary>
    public HistoryBuilder Ok(long sequence, int partition, long offset, double ackMs = 0)
    {
        History.Record(new WriteOp(0, sequence, partition, ackMs, ackMs, WriteOutcome.Ok, offset, null));
        return this;
    }

    public HistoryBuilder Write(long sequence, WriteOutcome outcome)
    {
        History.Record(new WriteOp(0, sequence, 0, 0, 0, outcome, -1, outcome.ToString()));
        return this;
    }

    /// <summary>The final read finds producer 0's <paramref name="sequence"/> at <paramref name="partition"/>@<paramref name="offset"/>.</summary>
    public HistoryBuilder Stored(long sequence, int partition, long offset) => StoredValue(RecordValue.Format(0, sequence), partition, offset);

    public HistoryBuilder StoredValue(string value, int partition, long offset)
    {
        History.RecordFinal(new ReadOp("final", 0, partition, offset, value, 0));
        return this;
    }

    /// <summary>Ok and stored where acknowledged.</summary>
    public HistoryBuilder OkStored(long sequence, int partition, long offset) => Ok(sequence, partition, offset).Stored(sequence, partition, offset);

    public HistoryBuilder Read(string reader, int session, long sequence, int partition, long offset)
    {
        History.Record(new ReadOp(reader, session, partition, offset, RecordValue.Format(0, sequence), 0));
        return this;
    }

    public HistoryBuilder Commit(string member, int partition, long offset, double atMs)
    {
        History.Record(new CommitOp(member, partition, offset, atMs));
        return this;
    }

    public HistoryBuilder FinalCommitted(int partition, long offset)
    {
        History.RecordFinalCommitted(new Dictionary<int, long> { [partition] = offset });
        return this;
    }

    public HistoryBuilder Kill(double startMs, double endMs)
    {
        History.Record(new FaultEvent(History.Faults.Count, FaultKind.Kill, 0, startMs, endMs));
        return this;
    }
}

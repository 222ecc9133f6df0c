namespace FastLog.LoadTests.Scenarios;

/// <summary>One producer of a scenario, driven by its own thread.</summary>
internal interface IProducerWorker : IDisposable
{
    /// <summary>Produces until <paramref name="stopAt"/> (a Stopwatch timestamp), the byte budget or cancellation, then waits for every acknowledgement.</summary>
    void Run(long startedAt, long stopAt, CancellationToken cancel);
}

namespace FastLog.LoadTests.Scenarios;

/// <summary>One consumer of a scenario, driven by its own thread; <see cref="IsCaughtUp"/> is read by the runner's thread.</summary>
internal interface IConsumerWorker : IDisposable
{
    /// <summary>Catch-up mode only: every assigned partition was read to its target end offset.</summary>
    bool IsCaughtUp { get; }

    /// <summary>Consumes until cancelled (tail) or caught up (catch-up).</summary>
    void Run(CancellationToken cancel);
}

namespace FastLog.LoadTests.Scenarios;

/// <summary>How producers are driven (the NBomber "load simulation").</summary>
internal enum LoadSimulation
{
    /// <summary>Inject records at a fixed target rate (open model); latencies are corrected for coordinated omission.</summary>
    Inject,

    /// <summary>Keep a constant number of unacknowledged records in flight (closed model); "flat out" is a large in-flight count.</summary>
    InFlight,

    /// <summary>Inject at a rate rising linearly from <see cref="ScenarioOptions.RampFromRate"/> to <see cref="ScenarioOptions.Rate"/> over the run.</summary>
    Ramp,
}

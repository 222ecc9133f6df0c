using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Tests;

/// <summary>One category's logger of <see cref="CapturedLogs"/>.</summary>
internal sealed class CapturedLogger(string category, CapturedLogs logs) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        logs.Add(logLevel, category, formatter(state, exception));
}

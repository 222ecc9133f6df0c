using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Tests;

/// <summary>Keeps every log line of an in-process broker (level and formatted message) for tests of what it logs; any thread may log.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Lines => _lines.ToArray();

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Debug));

    public ILogger CreateLogger(string categoryName) => new CapturedLogger(categoryName, this);

    public void Add(LogLevel level, string category, string message) => _lines.Enqueue((level, category, message));

    public void Dispose()
    {
    }
}

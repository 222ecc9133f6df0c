namespace FastLog.Testing;

/// <summary>How to start a <see cref="BrokerProcess"/>.</summary>
public sealed record BrokerProcessOptions
{
    public required string DataDirectory { get; init; }

    /// <summary>The executable (a fastlog.dll or a published fastlog): <see cref="FastlogExecutable.DefaultPath"/> unless given (the bench passes the one it built).</summary>
    public string BrokerDll { get; init; } = FastlogExecutable.DefaultPath;

    /// <summary>The loopback port to listen on; 0 (the default): one the kernel picks. A fixed port keeps the address across restarts.</summary>
    public int Port { get; init; }

    /// <summary>The address it listens on and is probed at (a network namespace's address for partition tests).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Run under this command (e.g. `ip netns exec NAME`), before any other wrapper.</summary>
    public IReadOnlyList<string> CommandPrefix { get; init; } = [];

    /// <summary>More `fastlog serve` arguments (`--shards 2`, `--partitions 3`, ...).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>A file the broker's output is appended to, besides the error messages of a failed start.</summary>
    public string? LogPath { get; init; }

    /// <summary>When set, the broker runs with this file-descriptor limit, soft and hard (through prlimit(1), as `ulimit -n` would).</summary>
    public int? FileDescriptorLimit { get; init; }

    /// <summary>How long it may take to serve (recovering a large log takes a while).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

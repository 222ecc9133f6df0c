namespace FastLog.Client;

/// <summary>How a <see cref="KafkaClientConnection"/> identifies itself and how long and how much it waits for.</summary>
public sealed record KafkaClientOptions
{
    /// <summary>The client id of every request header (brokers log it and quota by it).</summary>
    public string ClientId { get; init; } = "fastlog-client";

    /// <summary>How long <see cref="KafkaClientConnection.ConnectAsync"/> may take (the blocking <see cref="KafkaClientConnection.Connect"/> waits as long as the kernel does).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a response may take: a whole <see cref="KafkaClientConnection.SendAsync{TResponse}"/>
    /// and each <see cref="KafkaClientConnection.ReadFrameAsync"/> end in a <see cref="TimeoutException"/>
    /// after it, a blocking read (<see cref="KafkaClientConnection.ReadFrame"/>) in an <see cref="IOException"/>.
    /// <see cref="Timeout.InfiniteTimeSpan"/>: as long as it takes (a producer that reads while nothing may be in flight).
    /// </summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a blocking write may stall (a broker that stops reading); <see cref="Timeout.InfiniteTimeSpan"/>: forever.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest response accepted: a guard against reading garbage as a length, not a limit a broker negotiates.</summary>
    public int MaxResponseBytes { get; init; } = 64 << 20;
}

using System.Net;

namespace FastLog.Broker.Configuration;

/// <summary>
/// Kafka's rules for <c>listeners</c>, <c>advertised.listeners</c>,
/// <c>listener.security.protocol.map</c> and <c>inter.broker.listener.name</c>, checked once at
/// start (each failure one line naming the setting), and what a listener advertises.
/// </summary>
public static class ListenerRules
{
    private const string Plaintext = "PLAINTEXT";

    private static readonly string[] SecurityProtocols = [Plaintext, "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

    /// <summary>Kafka's default listener.security.protocol.map: each protocol's name is a listener name for itself.</summary>
    public static Dictionary<string, string> DefaultSecurityProtocolMap() => SecurityProtocols.ToDictionary(p => p, p => p, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The address a client that connected to <paramref name="listener"/> is told to use: its
    /// advertised.listeners entry, else its own host (this machine's name for an empty host) with
    /// <paramref name="boundPort"/> (the port the kernel gave when the listener asked for 0).
    /// Resolves the host name, so call it at start, not on a shard.
    /// </summary>
    public static HostPort AdvertisedAddress(BrokerOptions options, ListenerAddress listener, int boundPort)
    {
        var advertised = options.AdvertisedListeners.Find(a => Same(a.Name, listener.Name))?.Address ?? listener.Address with { Port = boundPort };
        return advertised.Host.Length == 0 ? advertised with { Host = Dns.GetHostName() } : advertised;
    }

    /// <summary>The listener named by inter.broker.listener.name, or the first one.</summary>
    public static ListenerAddress InterBrokerListener(BrokerOptions options) =>
        options.InterBrokerListenerName is { } name ? options.Listeners.Single(l => Same(l.Name, name)) : options.Listeners[0];

    public static void Validate(BrokerOptions options)
    {
        var listeners = options.Listeners;
        if (listeners.Count == 0)
        {
            throw new ArgumentException("listeners: at least one listener is needed (NAME://HOST:PORT)");
        }

        var names = string.Join(", ", listeners.Select(l => l.Name));
        RequireDistinctNames("listeners", listeners);
        RequireDistinctNames("advertised.listeners", options.AdvertisedListeners);
        if (listeners.Where(l => l.Address.Port != 0).GroupBy(l => l.Address.Port).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            throw new ArgumentException($"listeners: {string.Join(" and ", shared.Select(l => l.Name))} both use port {shared.Key}; each listener needs its own port");
        }

        foreach (var advertised in options.AdvertisedListeners)
        {
            if (!listeners.Exists(l => Same(l.Name, advertised.Name)))
            {
                throw new ArgumentException($"advertised.listeners: {advertised.Name} is not one of the listeners ({names})");
            }

            if (advertised.Address.Port == 0)
            {
                throw new ArgumentException($"advertised.listeners: {advertised} needs the port clients connect to, not 0");
            }

            if (advertised.IsWildcard && advertised.Address.Host.Length > 0)
            {
                throw new ArgumentException($"advertised.listeners: {advertised} is not an address clients can reach; give this host's name or IP address");
            }
        }

        foreach (var listener in listeners)
        {
            if (listener.IsWildcard && listener.Address.Host.Length > 0 && !options.AdvertisedListeners.Exists(a => Same(a.Name, listener.Name)))
            {
                throw new ArgumentException(
                    $"listeners: {listener} binds every interface, which clients cannot be sent to; add {listener.Name}://HOST:PORT to advertised.listeners (--advertise)");
            }
        }

        ValidateSecurityProtocols(options.ListenerSecurityProtocolMap, listeners);
        if (options.InterBrokerListenerName is { } interBroker && !listeners.Exists(l => Same(l.Name, interBroker)))
        {
            throw new ArgumentException($"inter.broker.listener.name: {interBroker} is not one of the listeners ({names})");
        }
    }

    /// <summary>
    /// Every protocol must be one of Kafka's; every listener needs an entry, and FastLog serves
    /// PLAINTEXT only. Entries for names that are no listener are allowed, as Kafka allows them
    /// (its default map has four; KRaft configs map CONTROLLER).
    /// </summary>
    private static void ValidateSecurityProtocols(Dictionary<string, string> map, List<ListenerAddress> listeners)
    {
        foreach (var (name, protocol) in map)
        {
            if (!SecurityProtocols.Contains(protocol, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"listener.security.protocol.map: {name}:{protocol}: the protocol is not one of {string.Join(", ", SecurityProtocols)}");
            }
        }

        foreach (var listener in listeners)
        {
            var protocol = map.FirstOrDefault(e => Same(e.Key, listener.Name)).Value
                ?? throw new ArgumentException($"listener.security.protocol.map has no entry for listener {listener.Name} (add {listener.Name}:PLAINTEXT)");
            if (!Same(protocol, Plaintext))
            {
                throw new ArgumentException(
                    $"listener.security.protocol.map: listener {listener.Name} uses {protocol.ToUpperInvariant()}, but FastLog serves PLAINTEXT only for now (map {listener.Name} to PLAINTEXT)");
            }
        }
    }

    private static void RequireDistinctNames(string setting, List<ListenerAddress> entries)
    {
        if (entries.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"{setting}: the name {twice.Key} is used twice; each entry needs its own name");
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

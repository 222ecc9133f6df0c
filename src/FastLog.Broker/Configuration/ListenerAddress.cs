using System.Net;

namespace FastLog.Broker.Configuration;

/// <summary>
/// One entry of Kafka's <c>listeners</c> or <c>advertised.listeners</c>: a listener name and a
/// host:port ("INTERNAL://10.0.0.5:9092"). Names are case-insensitive and kept upper case, as
/// Kafka normalises them. An empty host ("PLAINTEXT://:9092") binds every interface and is
/// advertised as this machine's host name, as Kafka does.
/// </summary>
public sealed record ListenerAddress(string Name, HostPort Address)
{
    /// <summary>The name of an entry written without one ("127.0.0.1:9092", the --listen form), and of the default listener.</summary>
    public const string DefaultName = "PLAINTEXT";

    /// <summary>True for an address that binds every interface: clients cannot be sent there.</summary>
    public bool IsWildcard => Address.Host.Length == 0 || (IPAddress.TryParse(Address.Host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));

    /// <summary>Parses a comma-separated list: "NAME://HOST:PORT,..." (an entry without "NAME://" is named <paramref name="defaultName"/>).</summary>
    public static List<ListenerAddress> ParseList(string value, string defaultName = DefaultName)
    {
        var entries = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries.Length == 0)
        {
            throw new FormatException("no listener given (NAME://HOST:PORT,...)");
        }

        return entries.Select(entry => Parse(entry, defaultName)).ToList();
    }

    private static ListenerAddress Parse(string entry, string defaultName)
    {
        var schemeEnd = entry.IndexOf("://", StringComparison.Ordinal);
        var name = schemeEnd < 0 ? defaultName : entry[..schemeEnd];
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new FormatException($"'{entry}': a listener name is letters, digits, '_' and '-' (NAME://HOST:PORT)");
        }

        var hostPort = schemeEnd < 0 ? entry : entry[(schemeEnd + 3)..];
        // ":9092" (no host) is Kafka's "every interface"; HostPort itself wants a host.
        var address = hostPort.StartsWith(':') && HostPort.TryParse("0" + hostPort, out var portOnly)
            ? portOnly with { Host = "" }
            : HostPort.TryParse(hostPort, out var parsed) && !hostPort.Contains("://", StringComparison.Ordinal)
                ? parsed
                : throw new FormatException($"'{entry}' is not NAME://HOST:PORT (port 0-65535)");
        return new ListenerAddress(name.ToUpperInvariant(), address);
    }

    /// <summary>The address to bind: an empty host is every IPv4 interface.</summary>
    public IPEndPoint ToBindEndPoint() => Address.Host.Length == 0 ? new IPEndPoint(IPAddress.Any, Address.Port) : Address.ToBindEndPoint();

    public override string ToString() => $"{Name}://{Address}";
}

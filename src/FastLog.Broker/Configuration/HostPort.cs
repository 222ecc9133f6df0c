using System.Globalization;
using System.Net;

namespace FastLog.Broker.Configuration;

/// <summary>A "host:port" pair as written on the command line and in config files.</summary>
public readonly record struct HostPort(string Host, int Port)
{
    public static HostPort Parse(string text)
    {
        if (!TryParse(text, out var result))
        {
            throw new FormatException($"'{text}' is not HOST:PORT (port 0-65535)");
        }

        return result;
    }

    public static bool TryParse(string? text, out HostPort result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // Accept Kafka listener syntax too ("PLAINTEXT://host:port").
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        var value = schemeEnd >= 0 ? text[(schemeEnd + 3)..] : text;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        var host = value[..colon].Trim('[', ']');
        result = new HostPort(host, port);
        return true;
    }

    /// <summary>The IP address to bind; host names resolve through DNS (the first IPv4 address wins).</summary>
    public IPEndPoint ToBindEndPoint()
    {
        if (IPAddress.TryParse(Host, out var address))
        {
            return new IPEndPoint(address, Port);
        }

        var addresses = Dns.GetHostAddresses(Host);
        var chosen = Array.Find(addresses, a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses[0];
        return new IPEndPoint(chosen, Port);
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

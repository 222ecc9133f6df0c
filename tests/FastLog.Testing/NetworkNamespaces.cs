using System.Diagnostics;

namespace FastLog.Testing;

/// <summary>
/// A private network for partition tests (root only): one Linux network namespace per node, each
/// with its own address on a bridge that lives in a namespace of its own, plus a veth from the
/// test's namespace, so the test reaches every node whatever is cut between them. A cut is a pair
/// of blackhole routes (there is no netem or iptables here), so each side sends nothing to the
/// other while both stay reachable from the test. Names and the 10.x.y.0/24 subnet are drawn at
/// random per instance; <see cref="Dispose"/> deletes everything it made.
/// </summary>
public sealed class NetworkNamespaces : IDisposable
{
    private readonly string _prefix;
    private readonly string _subnet;
    private readonly string _hostLink;
    private readonly List<string> _created = [];
    private readonly HashSet<(int, int)> _cuts = [];

    private NetworkNamespaces(int count)
    {
        _prefix = $"fl{Environment.ProcessId % 100000}x{Random.Shared.Next(1000)}";
        _subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(1, 250)}";
        _hostLink = $"{_prefix}h";
        Count = count;
    }

    public int Count { get; }

    /// <summary>True where namespaces can be made: root with the ip tool.</summary>
    public static bool Available => Environment.UserName == "root" && (File.Exists("/usr/sbin/ip") || File.Exists("/sbin/ip"));

    /// <summary>Node <paramref name="node"/>'s address (nodes are numbered from 1).</summary>
    public string Address(int node) => $"{_subnet}.{node}";

    /// <summary>The command prefix that runs a program inside node <paramref name="node"/>'s namespace.</summary>
    public IReadOnlyList<string> Exec(int node) => ["ip", "netns", "exec", Namespace(node)];

    public static NetworkNamespaces Create(int count)
    {
        var network = new NetworkNamespaces(count);
        try
        {
            network.Build();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Cuts every link between <paramref name="side"/> and the other nodes, both ways.</summary>
    public void Isolate(params int[] side) => Cut(side, [.. Enumerable.Range(1, Count).Except(side)]);

    /// <summary>
    /// Cuts every link between a node of <paramref name="sideA"/> and a node of <paramref name="sideB"/>,
    /// both ways; links within a side, and of nodes on neither side, stay (a node on neither side
    /// reaching both is Jepsen's bridge).
    /// </summary>
    public void Cut(IReadOnlyCollection<int> sideA, IReadOnlyCollection<int> sideB)
    {
        if (sideA.Intersect(sideB).Any())
        {
            throw new ArgumentException($"a node cannot be on both sides of a cut: [{string.Join(",", sideA)}] / [{string.Join(",", sideB)}]");
        }

        foreach (var a in sideA)
        {
            foreach (var b in sideB)
            {
                Cut(a, b);
            }
        }
    }

    /// <summary>Restores every link <see cref="Isolate"/> and <see cref="Cut(IReadOnlyCollection{int}, IReadOnlyCollection{int})"/> cut.</summary>
    public void Heal()
    {
        foreach (var (a, b) in _cuts.ToList())
        {
            Ip(Namespace(a), "route", "del", "blackhole", $"{Address(b)}/32");
            _cuts.Remove((a, b));
        }
    }

    private void Cut(int a, int b)
    {
        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            if (_cuts.Add((from, to)))
            {
                Ip(Namespace(from), "route", "add", "blackhole", $"{Address(to)}/32");
            }
        }
    }

    private string Namespace(int node) => $"{_prefix}n{node}";

    private void Build()
    {
        var bridge = $"{_prefix}b";
        Ip(null, "netns", "add", bridge);
        _created.Add(bridge);
        Ip(bridge, "link", "add", "br0", "type", "bridge");
        Ip(bridge, "link", "set", "br0", "up");
        for (var node = 1; node <= Count; node++)
        {
            var name = Namespace(node);
            Ip(null, "netns", "add", name);
            _created.Add(name);
            Ip(bridge, "link", "add", $"v{node}", "type", "veth", "peer", "name", "eth0", "netns", name);
            Ip(bridge, "link", "set", $"v{node}", "master", "br0", "up");
            Ip(name, "addr", "add", $"{Address(node)}/24", "dev", "eth0");
            Ip(name, "link", "set", "eth0", "up");
            Ip(name, "link", "set", "lo", "up");
        }

        Ip(null, "link", "add", _hostLink, "type", "veth", "peer", "name", "vh", "netns", bridge);
        Ip(bridge, "link", "set", "vh", "master", "br0", "up");
        Ip(null, "addr", "add", $"{_subnet}.254/24", "dev", _hostLink);
        Ip(null, "link", "set", _hostLink, "up");
    }

    public void Dispose()
    {
        // Deleting a namespace deletes its links; the test side of the host veth goes with its peer.
        foreach (var name in _created)
        {
            Ip(null, ["netns", "del", name], ignoreFailure: true);
        }

        _created.Clear();
    }

    private static void Ip(string? inNamespace, params string[] args) => Ip(inNamespace, args, ignoreFailure: false);

    private static void Ip(string? inNamespace, string[] args, bool ignoreFailure)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (inNamespace is null ? [] : new[] { "-n", inNamespace }).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot run ip");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !ignoreFailure)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', start.ArgumentList)} failed: {error.Trim()}");
        }
    }
}

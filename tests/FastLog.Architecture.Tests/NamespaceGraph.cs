using System.Text.RegularExpressions;

namespace FastLog.Architecture.Tests;

/// <summary>
/// Which namespaces (folders) of one project use which others, read from the source: the
/// namespace a file declares and every FastLog name it mentions (using directives, static and
/// alias usings, fully qualified names), each resolved to the longest namespace of this project
/// it starts with. A type of a parent namespace is visible without a using and so is not seen;
/// FastLog keeps only composition roots (which nothing uses) in a project's root namespace.
/// </summary>
internal sealed partial class NamespaceGraph
{
    private readonly Dictionary<string, HashSet<string>> _uses = new(StringComparer.Ordinal);

    private NamespaceGraph()
    {
    }

    public static NamespaceGraph Read(string projectDirectory)
    {
        var files = Directory.GetFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Text: File.ReadAllText(f), Namespace: NamespaceDeclaration().Match(File.ReadAllText(f)) is { Success: true } m ? m.Groups[1].Value : null))
            .Where(f => f.Namespace is not null)
            .ToList();
        var graph = new NamespaceGraph();
        var namespaces = files.Select(f => f.Namespace!).ToHashSet(StringComparer.Ordinal);
        foreach (var (text, declared) in files)
        {
            var uses = graph.Node(declared!);
            foreach (Match mention in FastLogName().Matches(text))
            {
                if (Resolve(mention.Value, namespaces) is { } used && used != declared)
                {
                    uses.Add(used);
                }
            }
        }

        return graph;
    }

    /// <summary>Every set of namespaces that reach each other (strongly connected, more than one).</summary>
    public List<List<string>> Cycles()
    {
        // Tarjan's algorithm; the graphs are a dozen nodes, recursion is fine.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<List<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in _uses.GetValueOrDefault(node, []))
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], nextIndex);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    cycles.Add(component.Order(StringComparer.Ordinal).ToList());
                }
            }
        }

        foreach (var node in _uses.Keys.ToList())
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return cycles;
    }

    /// <summary>Test seam: a graph from explicit edges.</summary>
    public static NamespaceGraph FromEdges(params (string From, string To)[] edges)
    {
        var graph = new NamespaceGraph();
        foreach (var (from, to) in edges)
        {
            graph.Node(from).Add(to);
            graph.Node(to);
        }

        return graph;
    }

    private HashSet<string> Node(string name)
    {
        if (!_uses.TryGetValue(name, out var uses))
        {
            _uses[name] = uses = new HashSet<string>(StringComparer.Ordinal);
        }

        return uses;
    }

    private static string? Resolve(string dottedName, HashSet<string> namespaces)
    {
        for (var name = dottedName; name.Length > 0; name = name.LastIndexOf('.') is var dot and > 0 ? name[..dot] : "")
        {
            if (namespaces.Contains(name))
            {
                return name;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\bFastLog(\.\w+)+")]
    private static partial Regex FastLogName();
}

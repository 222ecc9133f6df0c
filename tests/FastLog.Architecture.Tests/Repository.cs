using System.Xml.Linq;
using FastLog.Testing;

namespace FastLog.Architecture.Tests;

/// <summary>The source tree these tests read: the src projects with their csproj facts.</summary>
internal static class Repository
{
    public static string Root => SourceTree.Root;

    public sealed record SourceProject(string Directory, string AssemblyName, string RootNamespace, IReadOnlyList<string> ProjectReferences);

    /// <summary>Every project under src/.</summary>
    public static IReadOnlyList<SourceProject> SourceProjects() =>
        System.IO.Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(Read)
            .ToList();

    private static SourceProject Read(string csproj)
    {
        var xml = XDocument.Load(csproj);
        var name = Path.GetFileNameWithoutExtension(csproj);
        string? Property(string property) => xml.Descendants(property).FirstOrDefault()?.Value;
        var references = xml.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
            .Select(referenced => AssemblyNameOf(Path.Combine(Root, "src", referenced, referenced + ".csproj")))
            .ToList();
        return new SourceProject(Path.GetDirectoryName(csproj)!, Property("AssemblyName") ?? name, Property("RootNamespace") ?? name, references);
    }

    private static string AssemblyNameOf(string csproj) =>
        XDocument.Load(csproj).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(csproj);
}

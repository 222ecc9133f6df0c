using System.Reflection;

namespace FastLog.Architecture.Tests;

/// <summary>Dependencies between FastLog's projects point one way (<see cref="Layers.Allowed"/>), and nothing opens a side door.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void EverySourceProject_IsInTheAllowList()
    {
        var projects = Repository.SourceProjects().Select(p => p.AssemblyName).Order(StringComparer.Ordinal);
        Assert.Equal(Layers.Allowed.Keys.Order(StringComparer.Ordinal), projects);
    }

    [Fact]
    public void ProjectReferences_FollowTheAllowList()
    {
        var violations = Repository.SourceProjects()
            .SelectMany(p => p.ProjectReferences.Where(r => !Layers.Allowed[p.AssemblyName].Contains(r)).Select(r => $"{p.AssemblyName} -> {r}"))
            .ToList();
        Assert.Empty(violations);
    }

    [Fact]
    public void CompiledReferences_FollowTheAllowList()
    {
        // What the compiler kept: an assembly lists only the references its code really uses.
        var violations = Layers.Allowed.Keys
            .SelectMany(name => Assembly.Load(name).GetReferencedAssemblies()
                .Select(r => r.Name!)
                .Where(r => Layers.IsFastLog(r) && !Layers.Allowed[name].Contains(r))
                .Select(r => $"{name} -> {r}"))
            .ToList();
        Assert.Empty(violations);
    }

    [Fact]
    public void EveryProjectReference_IsUsed()
    {
        // A reference the code does not use is an arrow the allow-list would carry for nothing.
        var unused = Repository.SourceProjects()
            .SelectMany(p =>
            {
                var compiled = Assembly.Load(p.AssemblyName).GetReferencedAssemblies().Select(r => r.Name).ToHashSet();
                return p.ProjectReferences.Where(r => !compiled.Contains(r)).Select(r => $"{p.AssemblyName} -> {r}");
            })
            .ToList();
        Assert.Empty(unused);
    }

    [Fact]
    public void Internals_AreVisibleOnlyToTheProjectsOwnTests()
    {
        var violations = new List<string>();
        foreach (var project in Repository.SourceProjects())
        {
            var allowed = new HashSet<string>(StringComparer.Ordinal) { Path.GetFileName(project.Directory) + ".Tests" };
            allowed.UnionWith(Layers.ExtraInternalsVisibleTo.GetValueOrDefault(project.AssemblyName, []));
            var granted = Assembly.Load(project.AssemblyName).GetCustomAttributes<System.Runtime.CompilerServices.InternalsVisibleToAttribute>()
                .Select(a => a.AssemblyName);
            violations.AddRange(granted.Where(g => !allowed.Contains(g)).Select(g => $"{project.AssemblyName} -> {g}"));
        }

        Assert.Empty(violations);
    }

    [Fact]
    public void FoldersInsideEachProject_FormNoCycle()
    {
        var cycles = Repository.SourceProjects()
            .SelectMany(p => NamespaceGraph.Read(p.Directory).Cycles().Select(cycle => $"{p.AssemblyName}: {string.Join(" <-> ", cycle)}"))
            .ToList();
        Assert.Empty(cycles);
    }
}

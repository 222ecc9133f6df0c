namespace FastLog.Architecture.Tests;

/// <summary>The cycle finder itself: it must see a cycle where there is one, or the folder test could never fail.</summary>
public sealed class NamespaceGraphTests
{
    [Fact]
    public void OneWayEdges_HaveNoCycle() =>
        Assert.Empty(NamespaceGraph.FromEdges(("A.Handlers", "A.Requests"), ("A.Requests", "A.Network"), ("A.Handlers", "A.Network")).Cycles());

    [Fact]
    public void ATwoFolderCycle_IsFound()
    {
        var cycle = Assert.Single(NamespaceGraph.FromEdges(("A.Topics", "A.Partitions"), ("A.Partitions", "A.Topics"), ("A.Groups", "A.Topics")).Cycles());
        Assert.Equal(["A.Partitions", "A.Topics"], cycle);
    }

    [Fact]
    public void ALongerCycle_IsFoundWhole()
    {
        var cycle = Assert.Single(NamespaceGraph.FromEdges(("A.X", "A.Y"), ("A.Y", "A.Z"), ("A.Z", "A.X")).Cycles());
        Assert.Equal(["A.X", "A.Y", "A.Z"], cycle);
    }

    [Fact]
    public void Read_SeesUsingsStaticUsingsAliasesAndQualifiedNames()
    {
        var project = Directory.CreateTempSubdirectory("fastlog-arch-");
        try
        {
            Write(project, "Topics/Registry.cs", "using FastLog.P.Partitions;\nnamespace FastLog.P.Topics;\nclass Registry { }");
            Write(project, "Partitions/Manager.cs", "namespace FastLog.P.Partitions;\nclass Manager { FastLog.P.Groups.Coordinator? C; }");
            Write(project, "Groups/Coordinator.cs", "using static FastLog.P.Topics.Registry;\nnamespace FastLog.P.Groups;\nclass Coordinator { }");
            Write(project, "Admin/Lifecycle.cs", "using X = FastLog.P.Topics.Registry;\nnamespace FastLog.P.Admin;\nclass Lifecycle { }");
            // Build output is not source: a generated file in obj/ closing a cycle must not count.
            Write(project, "obj/Generated.cs", "using FastLog.P.Admin;\nnamespace FastLog.P.Topics;\nclass Generated { }");

            var cycle = Assert.Single(NamespaceGraph.Read(project.FullName).Cycles());
            Assert.Equal(["FastLog.P.Groups", "FastLog.P.Partitions", "FastLog.P.Topics"], cycle);
        }
        finally
        {
            project.Delete(recursive: true);
        }
    }

    private static void Write(DirectoryInfo project, string path, string text)
    {
        var full = Path.Combine(project.FullName, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }
}

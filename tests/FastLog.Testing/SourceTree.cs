namespace FastLog.Testing;

/// <summary>The repository the tests were built from: files that are checked against the code (allow-lists, dashboards).</summary>
public static class SourceTree
{
    /// <summary>The directory holding FastLog.sln, found upwards from the running tests.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FastLog.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("FastLog.sln not found above " + AppContext.BaseDirectory);
    }
}

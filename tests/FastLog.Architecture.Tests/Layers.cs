namespace FastLog.Architecture.Tests;

/// <summary>
/// The one-way dependency rule between FastLog's projects, as an allow-list: each src project
/// (by assembly name) and the FastLog projects it may reference. The README's architecture
/// section draws the same arrows; change both together.
/// </summary>
internal static class Layers
{
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["FastLog.Core"] = [],
        ["FastLog.Records"] = ["FastLog.Core"],
        ["FastLog.Protocol"] = ["FastLog.Records"],
        ["FastLog.Storage"] = ["FastLog.Core", "FastLog.Records"],
        ["FastLog.Cluster"] = ["FastLog.Core"],
        ["FastLog.Metadata"] = ["FastLog.Core"],
        ["FastLog.Client"] = ["FastLog.Protocol", "FastLog.Records"],
        ["FastLog.Broker"] = ["FastLog.Core", "FastLog.Records", "FastLog.Protocol", "FastLog.Storage", "FastLog.Cluster", "FastLog.Metadata", "FastLog.Client"],
        ["FastLog.Server"] = ["FastLog.Core", "FastLog.Records", "FastLog.Protocol", "FastLog.Storage", "FastLog.Cluster", "FastLog.Metadata", "FastLog.Client", "FastLog.Broker"],
        ["fastlog"] = ["FastLog.Core", "FastLog.Records", "FastLog.Protocol", "FastLog.Storage", "FastLog.Cluster", "FastLog.Metadata", "FastLog.Client", "FastLog.Broker", "FastLog.Server"],
    };

    /// <summary>
    /// Who besides a project's own tests may see its internals, and why. Empty: every project
    /// exposes to others only its public surface.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> ExtraInternalsVisibleTo = new Dictionary<string, string[]>();

    public static bool IsFastLog(string assemblyName) => assemblyName.StartsWith("FastLog.", StringComparison.Ordinal) || assemblyName == "fastlog";
}

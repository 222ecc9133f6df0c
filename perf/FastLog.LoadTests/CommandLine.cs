using System.Globalization;

namespace FastLog.LoadTests;

/// <summary>
/// `--name value` and bare `--flag` arguments into a dictionary (flags map to "true"). The tool's
/// options are few and flat; System.CommandLine is kept to the broker.
/// </summary>
internal static class CommandLine
{
    public static Dictionary<string, string> Parse(IEnumerable<string> args)
    {
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                pending = arg[2..];
                parsed[pending] = "true";
            }
            else if (pending is not null)
            {
                parsed[pending] = arg;
                pending = null;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }

        return parsed;
    }

    public static int Int(Dictionary<string, string> args, string name, int fallback) =>
        args.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public static double Double(Dictionary<string, string> args, string name, double fallback) =>
        args.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

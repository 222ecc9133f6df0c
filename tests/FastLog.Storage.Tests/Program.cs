namespace FastLog.Storage.Tests;

/// <summary>
/// Entry point of the test assembly when run as a process (`dotnet FastLog.Storage.Tests.dll ...`):
/// only the crash test's child mode. Test runners load the assembly and never call this.
/// </summary>
public static class Program
{
    public static int Main(string[] args) =>
        args.Length == 3 && args[0] == CrashChild.Mode
            ? CrashChild.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture))
            : Usage();

    private static int Usage()
    {
        Console.Error.WriteLine($"usage: dotnet FastLog.Storage.Tests.dll {CrashChild.Mode} <partition directory> <first sequence number>");
        return 2;
    }
}

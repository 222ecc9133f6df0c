using System.Runtime.InteropServices;

namespace FastLog.LoadTests.Scenarios;

/// <summary>
/// Sub-millisecond sleeps for the open-model pacer: .NET's Thread.Sleep and timers work in whole
/// milliseconds (~1.1 ms here), which alone would add up to a millisecond of send delay to every
/// record and swamp a 1 ms latency goal. libc's <c>usleep</c> sleeps in microseconds (plus the
/// kernel's 50 µs default timer slack). Linux only, like the rest of the load tool. A classic
/// DllImport because LibraryImport's generated stub needs unsafe code, which the project rules
/// keep to Core and Storage; an int-only signature needs no marshalling either way.
/// </summary>
internal static class MicroSleep
{
    public static void For(long micros) => _ = Usleep((uint)Math.Clamp(micros, 1, 1_000_000));

    [DllImport("libc", EntryPoint = "usleep")]
    private static extern int Usleep(uint microseconds);
}

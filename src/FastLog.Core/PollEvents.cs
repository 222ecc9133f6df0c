namespace FastLog.Core;

/// <summary>poll(2) event bits for <see cref="IoRing.PollAsync"/> (same values on every Linux architecture).</summary>
[Flags]
public enum PollEvents
{
    None = 0,
    In = 0x001,
    Priority = 0x002,
    Out = 0x004,
    Error = 0x008,
    HangUp = 0x010,
    ReadHangUp = 0x2000,
}

namespace FastLog.Chaos.Checking;

/// <summary>One thing the checker found; <see cref="ByDesign"/> when the <see cref="CheckPolicy"/> allows it.</summary>
internal sealed record Finding(ViolationKind Kind, bool ByDesign, string Description);

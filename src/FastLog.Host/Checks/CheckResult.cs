namespace FastLog.Host.Checks;

/// <summary>One row of `fastlog check-host`: what was checked, the verdict, what was found, and the command that fixes it.</summary>
internal sealed record CheckResult(string Name, CheckStatus Status, string Detail, string? Fix = null)
{
    public static CheckResult Ok(string name, string detail) => new(name, CheckStatus.Ok, detail);

    public static CheckResult Warn(string name, string detail, string fix) => new(name, CheckStatus.Warn, detail, fix);

    public static CheckResult Fail(string name, string detail, string fix) => new(name, CheckStatus.Fail, detail, fix);
}

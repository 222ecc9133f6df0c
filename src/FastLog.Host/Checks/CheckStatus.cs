namespace FastLog.Host.Checks;

/// <summary>The verdict of one host check: FAIL stops a broker from working, WARN costs speed or safety.</summary>
internal enum CheckStatus
{
    Ok,
    Warn,
    Fail,
}

namespace FastLog.Protocol;

/// <summary>AlterConfigs response (key 33), v0–2 (flexible from v2).</summary>
public sealed class AlterConfigsResponse : AlterConfigsResponseBase<AlterConfigsResponse>
{
    public override ApiKey ApiKey => ApiKey.AlterConfigs;
}

namespace FastLog.Protocol;

/// <summary>AlterConfigs request (key 33), v0–2 (flexible from v2): sets whole configs (name, nullable value).</summary>
public sealed class AlterConfigsRequest : AlterConfigsRequestBase<AlterConfigsRequest, ConfigEntry>
{
    public override ApiKey ApiKey => ApiKey.AlterConfigs;
}

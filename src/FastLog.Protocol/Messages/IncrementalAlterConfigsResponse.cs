namespace FastLog.Protocol;

/// <summary>IncrementalAlterConfigs response (key 44), v0–1 (flexible from v1); same body as AlterConfigs.</summary>
public sealed class IncrementalAlterConfigsResponse : AlterConfigsResponseBase<IncrementalAlterConfigsResponse>
{
    public override ApiKey ApiKey => ApiKey.IncrementalAlterConfigs;
}

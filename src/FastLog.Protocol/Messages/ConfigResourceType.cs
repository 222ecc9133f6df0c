namespace FastLog.Protocol;

/// <summary>Kafka's config resource types (ConfigResource.Type), the resource_type of the config APIs.</summary>
public static class ConfigResourceType
{
    public const sbyte Topic = 2;
    public const sbyte Broker = 4;
}

namespace FastLog.Protocol;

/// <summary>
/// IncrementalAlterConfigs request (key 44), v0–1 (flexible from v1); each config carries an
/// operation: <c>name STRING | config_operation INT8 (0 set, 1 delete, 2 append, 3 subtract) | value NULLABLE_STRING</c>.
/// </summary>
public sealed class IncrementalAlterConfigsRequest
    : AlterConfigsRequestBase<IncrementalAlterConfigsRequest, IncrementalAlterConfigsRequest.AlterableConfig>
{
    public override ApiKey ApiKey => ApiKey.IncrementalAlterConfigs;

    public sealed class AlterableConfig : KafkaStruct
    {
        public string Name = "";
        public sbyte ConfigOperation;
        public string? Value;

        internal override void Map(ref KafkaCodec codec)
        {
            codec.String(ref Name);
            codec.Int8(ref ConfigOperation);
            codec.NullableString(ref Value);
        }
    }
}

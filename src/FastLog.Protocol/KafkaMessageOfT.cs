namespace FastLog.Protocol;

/// <summary>Adds the typed static <see cref="Read"/> (e.g. <c>ProduceRequest.Read(ref reader, 9)</c>).</summary>
internal abstract class KafkaMessage<TSelf> : KafkaMessage
    where TSelf : KafkaMessage<TSelf>, new()
{
    public static TSelf Read(ref KafkaReader reader, short version)
    {
        var message = new TSelf();
        message.ReadFrom(ref reader, version);
        return message;
    }
}

namespace FastLog.Protocol;

/// <summary>Adds the typed static <see cref="Read"/> (e.g. <c>ProduceRequest.Read(ref reader, 9)</c>).</summary>
public abstract class KafkaMessage<TSelf> : KafkaMessage
    where TSelf : KafkaMessage<TSelf>, new()
{
    // CA1000 warns that callers must name the type argument; here they never do: the member is
    // always reached through the concrete message (ProduceRequest.Read), which fixes TSelf.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Called as ConcreteMessage.Read; TSelf is implied.")]
    public static TSelf Read(ref KafkaReader reader, short version)
    {
        var message = new TSelf();
        message.ReadFrom(ref reader, version);
        return message;
    }
}

namespace FastLog.Broker.Topics;

/// <summary>A refused topic change, with the reason a client sees in the error message.</summary>
public sealed class TopicRegistryException(TopicRegistryError error, string message, Exception? cause = null) : Exception(message, cause)
{
    public TopicRegistryError Error { get; } = error;
}

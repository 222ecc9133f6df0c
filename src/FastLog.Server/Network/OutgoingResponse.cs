namespace FastLog.Server.Network;

/// <summary>
/// A response ready to go out: it knows how to put itself on the wire (size prefix included) through
/// a <see cref="ResponseSender"/>, which lets it mix encoded bytes with record bytes sent straight
/// from segment files. Disposing releases whatever it holds (pooled buffers, file leases); the
/// connection disposes every response exactly once, sent or not.
/// </summary>
internal abstract class OutgoingResponse : IDisposable
{
    public abstract ValueTask SendAsync(ResponseSender sender);

    public virtual void Dispose()
    {
    }
}

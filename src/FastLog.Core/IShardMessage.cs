namespace FastLog.Core;

/// <summary>
/// An item carried by a cross-shard <see cref="SpscRing{T}"/>. The receiving shard calls
/// <see cref="Deliver"/> on its own thread; the message knows whether it is a request (run the
/// work here) or a reply (complete the caller here).
/// </summary>
internal interface IShardMessage
{
    void Deliver();
}

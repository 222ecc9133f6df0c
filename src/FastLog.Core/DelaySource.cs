namespace FastLog.Core;

/// <summary>The pooled ValueTask source behind <see cref="Shard.Delay"/>; completed by a shard timer.</summary>
internal sealed class DelaySource : ShardValueTaskSource<bool>
{
    private readonly Shard _owner;

    public DelaySource(Shard owner, int ownerThreadId)
        : base(ownerThreadId)
    {
        _owner = owner;
    }

    protected override void Recycle() => _owner.ReturnDelay(this);
}

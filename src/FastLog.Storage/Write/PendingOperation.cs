namespace FastLog.Storage.Write;

/// <summary>A maintenance operation queued behind the appends before it (see <see cref="PendingWork"/>).</summary>
internal sealed class PendingOperation : PendingWork
{
    private readonly Func<ValueTask> _run;
    private readonly TaskCompletionSource _completion = new();

    public PendingOperation(Func<ValueTask> run)
    {
        _run = run;
    }

    public Task Task => _completion.Task;

    public async ValueTask RunAsync()
    {
        try
        {
            await _run();
            _completion.SetResult();
        }
        catch (Exception error)
        {
            _completion.SetException(error);
        }
    }

    public override void Fail(Exception error) => _completion.SetException(error);
}

using FastLog.Server.Network;
using FastLog.Protocol;
using FastLog.Storage.Read;

namespace FastLog.Server.Requests;

/// <summary>
/// Records of a Fetch response that stay where the log keeps them: tail-cache chunks (sent from
/// memory) or a segment file range (sent zero-copy with splice). Owns the read result's lease
/// until disposed.
/// </summary>
internal sealed class LogRecordsPayload(LogReadResult read) : IRecordsPayload, IDisposable
{
    public int Length => read.Length;

    public async ValueTask SendAsync(ResponseSender sender)
    {
        if (read.File is { } file)
        {
            await sender.SendFileAsync(file.Handle, file.Position, file.Length);
            return;
        }

        foreach (var chunk in read.Chunks)
        {
            await sender.SendAsync(chunk);
        }
    }

    public void Dispose() => read.Dispose();
}

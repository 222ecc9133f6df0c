using System.Net.Sockets;

namespace FastLog.Core.Tests;

public sealed class IoRingSpliceTests
{
    [Fact]
    public async Task SpliceThroughPipe_SendsAFileRangeToASocket()
    {
        // 3 MiB of patterned data; send the range [1000, 1000 + 2.5 MiB) through a 64 KiB pipe,
        // so the transfer needs many file->pipe and pipe->socket splices, some of them partial.
        var path = Path.Combine(Path.GetTempPath(), $"fastlog-splice-{Guid.NewGuid():N}");
        var data = new byte[3 << 20];
        new Random(7).NextBytes(data);
        await File.WriteAllBytesAsync(path, data);
        const int start = 1000;
        const int count = (5 << 20) / 2;
        try
        {
            using var group = TestShards.Start();
            using var listener = TestSockets.Listen();

            var served = group.Run(0, async () =>
            {
                var io = Shard.Current!.Io;
                // Through a Socket so Dispose closes gracefully (a bare SafeSocketHandle closes abortively: RST).
                using var accepted = new Socket(new SafeSocketHandle(await io.AcceptAsync(listener.SafeHandle), ownsHandle: true));
                var connection = accepted.SafeHandle;
                using var file = NativeFile.Open(path, NativeOpenFlags.ReadOnly);
                using var pipe = KernelPipe.Create(64 * 1024);
                long position = start;
                long remaining = count;
                while (remaining > 0)
                {
                    int inPipe = await io.SpliceAsync(file, position, pipe.WriteEnd, -1, (int)Math.Min(remaining, pipe.Capacity));
                    Assert.True(inPipe > 0);
                    position += inPipe;
                    remaining -= inPipe;
                    while (inPipe > 0)
                    {
                        inPipe -= await io.SpliceAsync(pipe.ReadEnd, -1, connection, -1, inPipe);
                    }
                }

                return pipe.Capacity;
            });

            using var client = await TestSockets.ConnectAsync(listener);
            var received = await TestSockets.ReceiveExactlyAsync(client, count);

            Assert.Equal(64 * 1024, await served);
            Assert.True(data.AsSpan(start, count).SequenceEqual(received));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Splice_OfAClosedInput_ThrowsInsteadOfQueueing()
    {
        using var group = TestShards.Start(shardCount: 1);
        var error = await group.Run(0, async () =>
        {
            var pipe = KernelPipe.Create(4096);
            pipe.Dispose();
            using var other = KernelPipe.Create(4096);
            return await Record.ExceptionAsync(async () => await Shard.Current!.Io.SpliceAsync(pipe.ReadEnd, -1, other.WriteEnd, -1, 10));
        });
        Assert.IsType<ObjectDisposedException>(error);
    }

    [Fact]
    public void SyncDirectory_SucceedsOnADirectoryAndFailsOnAMissingOne()
    {
        NativeFile.SyncDirectory(Path.GetTempPath());
        var missing = Assert.Throws<NativeIOException>(() => NativeFile.SyncDirectory(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));
        Assert.Equal(Errno.ENOENT, missing.Errno);
    }
}

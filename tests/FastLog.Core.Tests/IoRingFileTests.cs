// These tests hold several ValueTasks at once on purpose: queuing many operations in one loop
// turn and awaiting them afterwards is how io_uring batching is used. Each is awaited once.
#pragma warning disable CA2012

using System.Runtime.InteropServices;

namespace FastLog.Core.Tests;

public sealed class IoRingFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fastlog-ioring-{Guid.NewGuid():N}.dat");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task BatchedDirectWrites_ThenReads_ReturnSameBytes_AndFdatasyncCompletes()
    {
        const int Blocks = 16;
        const int BlockSize = 64 * 1024;
        using var group = TestShards.Start();
        bool ok = await group.Run(0, async () =>
        {
            var shard = Shard.Current!;
            Assert.True(NativeFile.TryOpenDirect(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create, out var file));
            using (file)
            {
                var written = new AlignedBuffer[Blocks];
                var writes = new ValueTask<int>[Blocks];
                for (int i = 0; i < Blocks; i++) // all queued in one loop turn: one io_uring_enter submits them
                {
                    written[i] = shard.Buffers.Rent();
                    Random.Shared.NextBytes(written[i].Span);
                    writes[i] = shard.Io.WriteAsync(file, written[i].Memory, (long)i * BlockSize);
                }

                foreach (var write in writes)
                {
                    Assert.Equal(BlockSize, await write);
                }

                Assert.Equal(0, await shard.Io.FdatasyncAsync(file));
                Assert.Equal(0, await shard.Io.FsyncAsync(file));

                var read = shard.Buffers.Rent();
                for (int i = 0; i < Blocks; i++)
                {
                    Assert.Equal(BlockSize, await shard.Io.ReadAsync(file, read.Memory, (long)i * BlockSize));
                    Assert.True(read.Span.SequenceEqual(written[i].Span), $"block {i} differs");
                    shard.Buffers.Return(written[i]);
                }

                Assert.Equal(0, await shard.Io.ReadAsync(file, read.Memory, (long)Blocks * BlockSize)); // EOF
                shard.Buffers.Return(read);
            }

            return true;
        });

        Assert.True(ok);
        Assert.Equal(Blocks * BlockSize, new FileInfo(_path).Length);
    }

    [Fact]
    public async Task Writev_WritesBuffersBackToBack()
    {
        using var group = TestShards.Start();
        byte[] onDisk = await group.Run(1, async () =>
        {
            var shard = Shard.Current!;
            using var file = NativeFile.Open(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Direct);
            var a = shard.Buffers.Rent();
            var b = shard.Buffers.Rent();
            a.Span.Fill(0xAA);
            b.Span.Fill(0xBB);
            int n = await shard.Io.WritevAsync(file, new ReadOnlyMemory<byte>[] { a.Memory[..4096], b.Memory[..8192] }, 4096);
            Assert.Equal(4096 + 8192, n);
            shard.Buffers.Return(a);
            shard.Buffers.Return(b);
            return await File.ReadAllBytesAsync(_path);
        });

        Assert.Equal(4096 * 4, onDisk.Length);
        Assert.All(onDisk[..4096], x => Assert.Equal(0, x)); // hole before the offset
        Assert.All(onDisk[4096..8192], x => Assert.Equal(0xAA, x));
        Assert.All(onDisk[8192..], x => Assert.Equal(0xBB, x));
    }

    [Fact]
    public async Task BadDescriptor_FailsWithIoRingException_AndRingKeepsWorking()
    {
        using var group = TestShards.Start();
        var (error, afterwards) = await group.Run(0, async () =>
        {
            var shard = Shard.Current!;
            using var bogus = new Microsoft.Win32.SafeHandles.SafeFileHandle(987654, ownsHandle: false);
            var buffer = shard.Buffers.Rent();
            var error = await Assert.ThrowsAsync<IoRingException>(async () => await shard.Io.WriteAsync(bogus, buffer.Memory, 0));
            using var file = NativeFile.Open(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create);
            int afterwards = await shard.Io.WriteAsync(file, buffer.Memory[..100], 0);
            shard.Buffers.Return(buffer);
            return (error, afterwards);
        });

        Assert.Equal(9, error.Errno); // EBADF
        Assert.Equal("write", error.Operation);
        Assert.Contains("write failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, afterwards);
    }

    [Fact]
    public async Task MisalignedDirectWrite_FailsWithEinval()
    {
        using var group = TestShards.Start();
        var error = await group.Run(0, async () =>
        {
            var shard = Shard.Current!;
            using var file = NativeFile.Open(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create | NativeOpenFlags.Direct);
            var buffer = shard.Buffers.Rent();
            try
            {
                await shard.Io.WriteAsync(file, buffer.Memory.Slice(1, 4096), 0); // address off by one byte
                return null;
            }
            catch (IoRingException e)
            {
                return e;
            }
            finally
            {
                shard.Buffers.Return(buffer);
            }
        });

        Assert.NotNull(error);
        Assert.Equal(22, error.Errno); // EINVAL
        Assert.Equal("write", error.Operation);
    }

    [Fact]
    public async Task IoRing_UsedOffItsShard_Throws()
    {
        using var group = TestShards.Start();
        var ring = await group.Run(0, () => ValueTask.FromResult(Shard.Current!.Io));
        using var file = NativeFile.Open(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create);
        Assert.Throws<InvalidOperationException>(() => SyncOffShard(ring, file));
        await Assert.ThrowsAsync<InvalidOperationException>(() => group.Run(1, () => ring.FdatasyncAsync(file)));

        // Must throw at the call, before any SQE or ValueTask exists.
        static void SyncOffShard(IoRing ring, SafeHandle file) => ring.FdatasyncAsync(file).AsTask();
    }

    [Fact]
    public async Task RefusedSubmission_ReleasesItsFileHandle()
    {
        using var group = TestShards.Start(shardCount: 1);
        var (fd, completedAfterwards) = await group.Run(0, async () =>
        {
            var io = Shard.Current!.Io;
            var file = NativeFile.Open(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create);
            using var unpinnable = new UnpinnableMemory();
            Assert.Throws<NotSupportedException>(() => Write(io, file, unpinnable.Memory));
            Assert.Throws<NotSupportedException>(() => Writev(io, file, unpinnable.Memory)); // the first vector entry was pinned
            int written = await io.WriteAsync(file, new byte[10], 0);
            int fd = (int)file.DangerousGetHandle();
            file.Dispose(); // closes the descriptor only if no refused operation still holds a reference
            return (fd, written);
        });

        Assert.Equal(10, completedAfterwards);
        var link = new FileInfo($"/proc/self/fd/{fd}");
        Assert.False(link.Exists && link.LinkTarget == _path, "the refused operations kept the file open");

        static void Write(IoRing io, SafeHandle file, Memory<byte> buffer) => io.WriteAsync(file, buffer, 0).AsTask();

        static void Writev(IoRing io, SafeHandle file, Memory<byte> buffer) =>
            io.WritevAsync(file, [new byte[8], buffer], 0).AsTask();
    }

    [Fact]
    public async Task ManyMoreOperationsThanRingEntries_AllComplete()
    {
        const int Writes = 2000; // far beyond the 256-entry SQ: forces early submits
        using var group = TestShards.Start();
        long total = await group.Run(0, async () =>
        {
            var shard = Shard.Current!;
            using var file = NativeFile.Open(_path, NativeOpenFlags.ReadWrite | NativeOpenFlags.Create);
            var source = new byte[16];
            var writes = new ValueTask<int>[Writes];
            for (int i = 0; i < Writes; i++)
            {
                writes[i] = shard.Io.WriteAsync(file, source, i * 16L);
            }

            long sum = 0;
            foreach (var write in writes)
            {
                sum += await write;
            }

            return sum;
        });

        Assert.Equal(Writes * 16L, total);
    }
}

using System.Diagnostics;
using System.Globalization;
using FastLog.Records;
using Xunit.Abstractions;

namespace FastLog.Storage.Tests;

/// <summary>
/// kill -9 at random moments: a child process appends in durable mode and prints every
/// acknowledged append; after each kill the log is reopened (recovery) and every acknowledged
/// batch must be there, in order, byte-identical and CRC-valid, with the whole log contiguous.
/// Every other round the verifying open is not closed cleanly, so children also recover.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int Rounds = 10;
    private readonly ShardHarness _shard = new();
    private readonly ITestOutputHelper _output;

    public CrashTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => _shard.Dispose();

    [Fact]
    public async Task EveryAcknowledgedAppend_SurvivesSigkill()
    {
        var random = new Random(20261125);
        var acked = new List<(int Sequence, long BaseOffset)>();
        for (var round = 0; round < Rounds; round++)
        {
            var roundAcks = await RunChildUntilKilled(round * 1_000_000, random.Next(0, 250));
            Assert.True(roundAcks.Count > 0, $"round {round}: the child acknowledged nothing before the kill");
            acked.AddRange(roundAcks);

            // The verifying instance never checkpoints on its own: it may be left open (below) while the next child runs.
            var log = await _shard.Open(CrashChild.Options with
            {
                CheckpointInterval = TimeSpan.FromHours(1),
                RetentionCheckInterval = TimeSpan.FromHours(1),
            });
            _output.WriteLine($"round {round}: {roundAcks.Count} acks, log end {log.HighWatermark}, {log.SegmentCount} segments, "
                + $"recovery verified {log.BytesScannedAtOpen} bytes");
            await VerifyAsync(log, acked);

            // Odd rounds: no clean close, so the next child starts from an unclean log too.
            if (round % 2 == 0)
            {
                await _shard.Close(log);
            }
        }
    }

    /// <summary>Starts a child, lets it run <paramref name="killAfterMs"/> past its first acknowledgement, SIGKILLs it, returns what it acknowledged.</summary>
    private async Task<List<(int Sequence, long BaseOffset)>> RunChildUntilKilled(int firstSequence, int killAfterMs)
    {
        var acks = new List<(int, long)>();
        var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { typeof(CrashChild).Assembly.Location, CrashChild.Mode, _shard.Directory, firstSequence.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var errors = new List<string>();
        using var child = new Process { StartInfo = start };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                var parts = line.Split(' ');
                lock (acks)
                {
                    acks.Add((int.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture)));
                }

                firstAck.TrySetResult();
            }
        };
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (errors)
                {
                    errors.Add(line);
                }
            }
        };
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            var started = await Task.WhenAny(firstAck.Task, child.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(firstAck.Task.IsCompleted, $"the child never acknowledged an append: {string.Join('\n', errors)}");
            await Task.Delay(killAfterMs);
        }
        finally
        {
            child.Kill(); // SIGKILL on Unix: no chance to close, flush or checkpoint
            await child.WaitForExitAsync();
        }

        lock (acks)
        {
            return [.. acks];
        }
    }

    private async Task VerifyAsync(PartitionLog log, List<(int Sequence, long BaseOffset)> acked)
    {
        // The whole log: contiguous offsets, every batch CRC-valid (ReadFrom checks each).
        var all = await _shard.ReadFrom(log, 0);
        var batches = new Dictionary<long, byte[]>();
        long expectedOffset = 0;
        for (var at = 0; at < all.Length;)
        {
            var header = RecordBatchHeader.Read(all.AsSpan(at));
            Assert.Equal(expectedOffset, header.BaseOffset);
            batches[header.BaseOffset] = all.AsSpan(at, header.TotalSize).ToArray();
            expectedOffset = header.LastOffset + 1;
            at += header.TotalSize;
        }

        Assert.Equal(log.HighWatermark, expectedOffset);

        // Every acknowledged append, byte for byte, in acknowledgement order.
        long previous = -1;
        foreach (var (sequence, baseOffset) in acked)
        {
            Assert.True(baseOffset > previous, $"acknowledged offsets out of order at sequence {sequence}");
            previous = baseOffset;
            Assert.True(batches.TryGetValue(baseOffset, out var stored), $"acknowledged batch {sequence} at offset {baseOffset} is missing (log end {expectedOffset})");
            var expected = CrashChild.Batch(sequence);
            RecordBatchHeader.SetBaseOffset(expected, baseOffset);
            Assert.Equal(expected, stored);
        }
    }
}

using System.Globalization;
using FastLog.Core;

namespace FastLog.Storage.Tests;

/// <summary>
/// The crash test's child process: opens a partition log (recovering whatever the previous
/// child left) and appends forever in durable mode, keeping several appends in flight so group
/// commit is exercised, printing "sequence baseOffset" for each acknowledged append. Each child
/// appends under its own leader epoch (<see cref="EpochOf"/>), as a new leader would. The test
/// kills it with SIGKILL; a line on stdout is a promise that the batch is durable.
/// </summary>
internal static class CrashChild
{
    public const string Mode = "crash-child";

    private const int InFlight = 8;

    /// <summary>Options the child and the verifying parent share: small segments and frequent checkpoints, so kills land in every phase.</summary>
    public static StorageOptions Options => new()
    {
        Durability = DurabilityMode.Durable,
        SegmentBytes = 256 * 1024,
        PreallocateBytes = 1 << 20,
        CheckpointInterval = TimeSpan.FromMilliseconds(20),
        TailCacheBytes = 64 * 1024,
        RetentionAge = null,
    };

    /// <summary>The leader epoch of the child whose first batch is <paramref name="firstSequence"/>: one per round.</summary>
    public static int EpochOf(int firstSequence) => firstSequence / 1_000_000;

    /// <summary>Batch number <paramref name="sequence"/> of the crash stream: 1-7 records, 50-3050 bytes.</summary>
    public static byte[] Batch(int sequence) =>
        TestBatches.Create(recordCount: 1 + (sequence % 7), recordsBytes: 50 + ((sequence * 131) % 3000), firstTimestamp: 1_700_000_000_000 + sequence, seed: sequence);

    public static int Run(string directory, int firstSequence)
    {
        using var group = new ShardGroup(new ShardGroupOptions { ShardCount = 1, PinThreads = false });
        group.Start();
        group.RunAsync(0, async () =>
        {
            var log = await PartitionLog.OpenAsync(directory, Options);
            var pending = new Queue<(int Sequence, Task<AppendResult> Append)>();
            var sequence = firstSequence;
            while (true)
            {
                while (pending.Count < InFlight)
                {
                    pending.Enqueue((sequence, log.AppendAsync(Batch(sequence), EpochOf(firstSequence)).AsTask()));
                    sequence++;
                }

                var (acked, append) = pending.Dequeue();
                var result = await append;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{acked} {result.BaseOffset}"));
            }
        }).GetAwaiter().GetResult();
        return 0;
    }
}

using FastLog.Storage.Producers;

namespace FastLog.Storage.Tests;

/// <summary>
/// The idempotent-producer state machine on its own: retries of batches still in flight, originals
/// that fail, epoch bumps while a batch is in flight, and retries older than what is remembered.
/// </summary>
public sealed class ProducerBatchCheckTests
{
    private const long ProducerId = 7;
    private readonly ProducerStateTable _table = new();

    private ProducerStateTable.BatchEntry Accept(int firstSequence, int recordCount = 1, short epoch = 0)
    {
        Assert.Equal(ProducerBatchCheck.Accept, _table.Check(ProducerId, epoch, firstSequence, recordCount, out var reservation));
        return reservation!;
    }

    private ProducerBatchCheck Check(int firstSequence, int recordCount = 1, short epoch = 0) =>
        _table.Check(ProducerId, epoch, firstSequence, recordCount, out _);

    [Fact]
    public async Task RetryOfABatchInFlight_IsTheOriginal_SettledWithItsOffsetsOnceAppended()
    {
        var original = Accept(0, recordCount: 3);

        Assert.Equal(ProducerBatchCheck.Duplicate, _table.Check(ProducerId, 0, 0, 3, out var retry));
        Assert.Same(original, retry);
        Assert.True(retry!.InFlight);
        var settled = retry.Settled;
        Assert.False(settled.IsCompleted);

        ProducerStateTable.Complete(original, baseOffset: 40, lastOffset: 42);

        Assert.True(await settled.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(retry.InFlight);
        Assert.Equal((40L, 42L), (retry.BaseOffset, retry.LastOffset));
        Assert.Equal(ProducerBatchCheck.Accept, Check(3));
    }

    [Fact]
    public async Task OriginalFailing_SettlesItsRetriesAsFailed_AndTheRetryIsThenAcceptedAsAFreshBatch()
    {
        ProducerStateTable.Complete(Accept(0), 0, 0);
        var original = Accept(1, recordCount: 2);
        Assert.Equal(ProducerBatchCheck.Duplicate, _table.Check(ProducerId, 0, 1, 2, out var retry));
        var settled = retry!.Settled;

        _table.Abandon(ProducerId, original);

        Assert.False(await settled.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(original.Failed);
        Assert.False(original.InFlight);
        var fresh = Accept(1, recordCount: 2);
        Assert.NotSame(original, fresh);
        Assert.Equal(ProducerBatchCheck.Accept, Check(3));
    }

    [Fact]
    public void FailureOfABatchWithALaterOneReserved_KeepsItFailed_SoItsRetryIsOutOfOrder_UntilTheLaterOneFailsToo()
    {
        var first = Accept(0);
        var second = Accept(1);

        _table.Abandon(ProducerId, first);

        // The later batch was accepted after it: the failed one cannot come back before it.
        Assert.Equal(ProducerBatchCheck.OutOfOrder, Check(0));
        Assert.Equal(ProducerBatchCheck.Duplicate, _table.Check(ProducerId, 0, 1, 1, out var retry));
        Assert.Same(second, retry);

        // Once the later one fails too, both give their sequences back: the retries are accepted in order.
        _table.Abandon(ProducerId, second);
        Assert.Equal(ProducerBatchCheck.OutOfOrder, Check(1));
        Accept(0);
        Accept(1);
    }

    [Fact]
    public async Task EpochBumpWhileInFlight_TheOriginalStillSettles_ItsOldEpochRetriesAreFenced()
    {
        var appended = Accept(0);
        var failing = Accept(1);
        var waitingAppended = appended.Settled;
        var waitingFailing = failing.Settled;

        var bumped = Accept(0, epoch: 1);
        ProducerStateTable.Complete(appended, 0, 0);
        _table.Abandon(ProducerId, failing);

        Assert.True(await waitingAppended.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await waitingFailing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(ProducerBatchCheck.StaleEpoch, Check(0));
        Assert.Equal(ProducerBatchCheck.StaleEpoch, Check(1));

        // The new epoch's state is not touched by the old batches settling.
        Assert.Equal(ProducerBatchCheck.Duplicate, _table.Check(ProducerId, 1, 0, 1, out var retry));
        Assert.Same(bumped, retry);
        Assert.Equal(ProducerBatchCheck.Accept, Check(1, epoch: 1));
    }

    [Fact]
    public void RetryOlderThanTheRememberedBatches_IsADuplicateNotRemembered_AGapOrAnOverlapIsOutOfOrder()
    {
        for (var sequence = 0; sequence < 2 * (ProducerStateTable.RememberedBatches + 3); sequence += 2)
        {
            ProducerStateTable.Complete(Accept(sequence, recordCount: 2), sequence, sequence + 1);
        }

        // Remembered: sequences 6..15 (5 batches of 2); 0..5 were appended and forgotten.
        Assert.Equal(ProducerBatchCheck.DuplicateNotRemembered, Check(0, recordCount: 2));
        Assert.Equal(ProducerBatchCheck.DuplicateNotRemembered, Check(4, recordCount: 2));
        Assert.Equal(ProducerBatchCheck.OutOfOrder, Check(5, recordCount: 2)); // reaches into the remembered range
        Assert.Equal(ProducerBatchCheck.OutOfOrder, Check(7)); // not a remembered batch boundary
        Assert.Equal(ProducerBatchCheck.OutOfOrder, Check(20)); // a gap
        Assert.Equal(ProducerBatchCheck.Accept, Check(16));
    }

    [Fact]
    public void OlderDuplicates_AreRecognisedAcrossTheSequenceWrap()
    {
        _table.Replay(ProducerId, 0, int.MaxValue - 1, int.MaxValue, baseOffset: 100, lastOffset: 101);

        Assert.Equal(ProducerBatchCheck.DuplicateNotRemembered, Check(int.MaxValue - 5, recordCount: 3));
        Assert.Equal(ProducerBatchCheck.Duplicate, _table.Check(ProducerId, 0, int.MaxValue - 1, 2, out var original));
        Assert.Equal(100, original!.BaseOffset);
        Assert.Equal(ProducerBatchCheck.OutOfOrder, Check(5));
        Assert.Equal(ProducerBatchCheck.Accept, Check(0));
    }
}

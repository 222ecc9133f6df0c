namespace FastLog.Cluster.Tests;

public sealed class SuspicionTests
{
    [Fact]
    public void Timeout_StartsAtTheMaximum_AndReachesTheMinimumAfterTheExpectedConfirmations()
    {
        // min 4 s, max 24 s, 2 confirmations expected (memberlist's defaults at a 1 s period).
        var suspicion = new Suspicion(start: 1000, minMs: 4000, maxMs: 24000, expectedConfirmations: 2, reporter: 5);
        Assert.Equal(1000 + 24000, suspicion.Deadline);

        Assert.False(suspicion.Confirm(5)); // the same suspector again is not independent
        Assert.Equal(1000 + 24000, suspicion.Deadline);

        Assert.True(suspicion.Confirm(6));
        // 24 - 20 * log(2) / log(3) = 11.38 s
        Assert.Equal(1000 + 11381, suspicion.Deadline);

        Assert.True(suspicion.Confirm(7));
        Assert.Equal(1000 + 4000, suspicion.Deadline);
        Assert.True(suspicion.Confirm(8));
        Assert.Equal(1000 + 4000, suspicion.Deadline); // never below the minimum
    }

    [Fact]
    public void WithNoConfirmationsPossible_TheMinimumApplies()
    {
        var suspicion = new Suspicion(start: 0, minMs: 4000, maxMs: 24000, expectedConfirmations: 0, reporter: 1);
        Assert.Equal(4000, suspicion.Deadline);
    }
}

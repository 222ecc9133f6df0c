using System.Net;

namespace FastLog.Cluster.Tests;

public sealed class MemberRecordTests
{
    /// <summary>SWIM's precedence rules (paper §4.2), with memberlist's incarnation check on Dead.</summary>
    [Theory]
    [InlineData("Alive", 2, "Suspect", 1, true)]   // Alive(i) overrides Suspect(j) if i > j
    [InlineData("Alive", 1, "Suspect", 1, false)]  // ...and not if i == j
    [InlineData("Alive", 2, "Alive", 1, true)]     // a newer incarnation of Alive
    [InlineData("Alive", 1, "Alive", 1, false)]
    [InlineData("Suspect", 1, "Alive", 1, true)]   // Suspect(i) overrides Alive(j) if i >= j
    [InlineData("Suspect", 1, "Alive", 2, false)]
    [InlineData("Suspect", 2, "Suspect", 1, true)] // Suspect(i) overrides Suspect(j) if i > j
    [InlineData("Suspect", 1, "Suspect", 1, false)]
    [InlineData("Dead", 1, "Suspect", 1, true)]    // Dead overrides Alive/Suspect of the same or an older incarnation
    [InlineData("Dead", 1, "Alive", 1, true)]
    [InlineData("Dead", 1, "Alive", 2, false)]     // ...but not a member that refuted since
    [InlineData("Alive", 2, "Dead", 1, true)]      // a restarted member refutes its own death
    [InlineData("Left", 1, "Dead", 1, true)]       // a graceful leave is the strongest news
    [InlineData("Dead", 1, "Left", 1, false)]
    public void Precedence(string newState, uint newIncarnation, string currentState, uint currentIncarnation, bool supersedes)
    {
        var newer = Record(Enum.Parse<MemberState>(newState), newIncarnation);
        Assert.Equal(supersedes, newer.Supersedes(Record(Enum.Parse<MemberState>(currentState), currentIncarnation)));
    }

    [Fact]
    public void SameAs_IgnoresIncarnationAndReporter_ButNotStateOrAddress()
    {
        var alive = Record(MemberState.Alive, 1);
        Assert.True(alive.SameAs(alive with { Incarnation = 5, ReportedBy = 9 }));
        Assert.False(alive.SameAs(alive with { State = MemberState.Suspect }));
        Assert.False(alive.SameAs(alive with { KafkaPort = 9093 }));
    }

    private static MemberRecord Record(MemberState state, uint incarnation) =>
        new(1, incarnation, state, 2, new IPEndPoint(IPAddress.Loopback, 7946), "broker-1", 9092, null);
}

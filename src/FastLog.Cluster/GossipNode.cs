using System.Text;

namespace FastLog.Cluster;

/// <summary>
/// One node's SWIM membership state machine (Das, Gupta, Motivala 2002, with memberlist/Lifeguard
/// refinements: suspicion scaled by log n, the suspect told first when probed, Dead heard in a
/// full state sync treated as Suspect, periodic push-pull sync that also heals partitions).
/// <para>Clock-driven and I/O-free: time comes in as <c>now</c> (milliseconds on any monotonic
/// clock), datagrams come in through <see cref="Receive"/> and go out through an
/// <see cref="IGossipTransport"/>; the driver calls <see cref="Tick"/> at <see cref="NextDeadline"/>.
/// That is what lets the tests run many nodes over a simulated lossy network on a virtual clock,
/// deterministically (seeded <see cref="Random"/>).</para>
/// <para>Threading protocol: every method runs on one thread (the gossip shard in production).
/// The only value read from other threads is <see cref="View"/>: after each change this thread
/// builds a new immutable <see cref="ClusterView"/> and publishes it with Volatile.Write (release);
/// readers use Volatile.Read (acquire) and so always see a complete snapshot. <see cref="Counters"/>
/// follow the single-writer protocol in <see cref="GossipCounters"/>.</para>
/// </summary>
internal sealed partial class GossipNode
{
    private readonly GossipOptions _options;
    private readonly IGossipTransport _transport;
    private readonly Random _random;
    private readonly GossipWriter _writer;
    private readonly byte[] _clusterId;
    private readonly Dictionary<int, Member> _members = [];
    private readonly Member _self;
    private readonly BroadcastQueue _broadcasts = new();
    private readonly ProbeSchedule _schedule;
    private readonly long _periodMs;
    private readonly long _pingTimeoutMs;
    private readonly long _syncIntervalMs;
    private ClusterView _view;
    private bool _started;
    private bool _left;
    private long _nextProbeAt = long.MaxValue;
    private long _nextSyncAt = long.MaxValue;

    /// <summary><paramref name="counters"/> may be shared with the transport (send failures); a fresh set when null.</summary>
    public GossipNode(GossipOptions options, IGossipTransport transport, Random random, GossipCounters? counters = null)
    {
        options.Validate();
        _options = options;
        _transport = transport;
        _random = random;
        Counters = counters ?? new GossipCounters();
        _writer = new GossipWriter(options);
        _clusterId = Encoding.UTF8.GetBytes(options.ClusterId);
        _schedule = new ProbeSchedule(random);
        _periodMs = (long)options.ProtocolPeriod.TotalMilliseconds;
        _pingTimeoutMs = (long)options.PingTimeout.TotalMilliseconds;
        _syncIntervalMs = (long)options.SyncInterval.TotalMilliseconds;
        _self = new Member(new MemberRecord(options.NodeId, 0, MemberState.Alive, options.NodeId, options.GossipEndPoint, options.KafkaHost, options.KafkaPort,
            string.IsNullOrEmpty(options.Rack) ? null : options.Rack));
        _members.Add(options.NodeId, _self);
        _view = new ClusterView([_self.Record]);
    }

    /// <summary>Raised on this node's thread when a member appears, changes state or moves (this node included).</summary>
    public event Action<MemberChange>? MemberChanged;

    public GossipCounters Counters { get; }

    /// <summary>The latest published snapshot; safe to read from any thread.</summary>
    public ClusterView View => Volatile.Read(ref _view);

    /// <summary>This node's own record (its current incarnation and state).</summary>
    public MemberRecord Self => _self.Record;

    /// <summary>When <see cref="Tick"/> next has work (long.MaxValue: never, before start or after leaving).</summary>
    public long NextDeadline
    {
        get
        {
            if (!_started || _left)
            {
                return long.MaxValue;
            }

            long next = Math.Min(Math.Min(_nextProbeAt, _nextSyncAt), IndirectProbeDue);
            foreach (var member in _members.Values)
            {
                next = Math.Min(next, member.SuspicionDeadline);
            }

            return next;
        }
    }

    /// <summary>Announces this node and exchanges full state with every seed (the join).</summary>
    public void Start(long now)
    {
        if (_started)
        {
            throw new InvalidOperationException("The gossip node has already started.");
        }

        _started = true;
        // A random phase, so nodes started together do not probe in lockstep.
        _nextProbeAt = now + _random.NextInt64(_periodMs);
        _nextSyncAt = now + _periodMs;
        _broadcasts.Enqueue(_self.Record);
        MemberChanged?.Invoke(new MemberChange(_self.Record, null));
        JoinThroughSeeds();
    }

    /// <summary>Runs whatever is due at <paramref name="now"/> (probe steps, suspicion expiry, sync); returns <see cref="NextDeadline"/>.</summary>
    public long Tick(long now)
    {
        if (!_started || _left)
        {
            return long.MaxValue;
        }

        if (now >= IndirectProbeDue)
        {
            SendIndirectProbes();
        }

        if (now >= _nextProbeAt)
        {
            FinishProbe(now);
            ExpireRelays(now);
            StartProbe(now);
            _nextProbeAt = Math.Max(_nextProbeAt + _periodMs, now + 1);
        }

        ExpireSuspicions(now);
        if (now >= _nextSyncAt)
        {
            bool alone = SyncRound();
            _nextSyncAt = now + (alone ? _periodMs : _syncIntervalMs);
        }

        return NextDeadline;
    }

    /// <summary>
    /// Graceful leave: this node's record becomes Left (incarnation + 1, so it beats anything said
    /// about it before) and is pushed to every live member at once; they pass it on by gossip, so
    /// nobody waits for a suspicion timeout. The node then stays silent.
    /// </summary>
    public void Leave(long now)
    {
        if (!_started || _left)
        {
            return;
        }

        _left = true;
        var left = _self.Record with { Incarnation = _self.Record.Incarnation + 1, State = MemberState.Left, ReportedBy = _options.NodeId };
        _self.Record = left;
        Publish();
        MemberChanged?.Invoke(new MemberChange(left, MemberState.Alive));
        foreach (var member in LiveOthers())
        {
            _writer.Begin(GossipMessageType.Sync, 0);
            _writer.TryAppend(left);
            Send(member.GossipEndPoint, _writer.Finish());
        }
    }

    private List<MemberRecord> LiveOthers(MemberState? only = null) =>
        _members.Values.Select(m => m.Record)
            .Where(r => r.NodeId != _options.NodeId && (only is { } state ? r.State == state : r.IsLive))
            .ToList();

    /// <summary>
    /// A new suspicion: minimum timeout SuspicionMultiplier × max(1, log10 n) periods, maximum
    /// SuspicionMaxMultiplier times that; SuspicionMultiplier − 2 confirmations expected, none when
    /// the cluster is too small to provide them (memberlist's choice).
    /// </summary>
    private Suspicion NewSuspicion(long now, int reporter)
    {
        int live = _members.Values.Count(m => m.Record.IsLive);
        long minMs = (long)(_options.SuspicionMultiplier * Math.Max(1.0, Math.Log10(Math.Max(1, live))) * _periodMs);
        int expected = _options.SuspicionMultiplier - 2;
        return new Suspicion(now, minMs, minMs * _options.SuspicionMaxMultiplier, live - 2 < expected ? 0 : expected, reporter);
    }

    private int RetransmitLimit()
    {
        int live = _members.Values.Count(m => m.Record.IsLive);
        return _options.RetransmitMultiplier * (int)Math.Ceiling(Math.Log10(live + 1));
    }

    private void Publish() => Volatile.Write(ref _view, new ClusterView(_members.Values.Select(m => m.Record)));

    private void Send(System.Net.IPEndPoint destination, ReadOnlySpan<byte> datagram)
    {
        _transport.Send(destination, datagram);
        Counters.MessageSent();
    }
}

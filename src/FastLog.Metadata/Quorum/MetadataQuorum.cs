using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using FastLog.Metadata.Controller;
using FastLog.Metadata.Image;
using FastLog.Metadata.Records;
using Microsoft.Extensions.Logging;

namespace FastLog.Metadata.Quorum;

/// <summary>
/// The metadata quorum on DotNext's Raft, as a voter runs it: a TCP Raft node on the thread pool (off the shards), its
/// checksummed write-ahead log under {data-dir}/__cluster_metadata, and the state machine that
/// turns committed entries into <see cref="MetadataImage"/>s. The Raft leader is the controller:
/// <see cref="SubmitAsync"/> runs a decision against the committed image and appends its records.
/// <para>Threading protocol: <see cref="Image"/>, <see cref="ControllerId"/> and
/// <see cref="IsController"/> are safe from any thread; <see cref="ImageChanged"/> runs on DotNext's
/// applier task, one entry at a time; decisions are serialized by <see cref="_decisionGate"/>, so
/// each sees the image that includes the previous one's records.</para>
/// </summary>
public sealed class MetadataQuorum : IMetadataLog
{
    private readonly QuorumOptions _options;
    private readonly ILogger _logger;
    private readonly MetadataStateMachine _stateMachine;
    private readonly WriteAheadLog _log;
    private readonly RaftCluster _raft;
    private readonly SemaphoreSlim _decisionGate = new(1, 1);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _barrierTerm = -1;
    private int _controllerId = -1;

    private MetadataQuorum(QuorumOptions options, ILoggerFactory loggers, MetadataStateMachine stateMachine, WriteAheadLog log)
    {
        _options = options;
        _logger = loggers.CreateLogger("FastLog.Metadata");
        _stateMachine = stateMachine;
        _log = log;
        var configuration = new RaftCluster.TcpConfiguration(options.BindEndPoint)
        {
            PublicEndPoint = options.Voters[options.NodeId],
            LowerElectionTimeout = (int)options.LowerElectionTimeout.TotalMilliseconds,
            UpperElectionTimeout = (int)options.UpperElectionTimeout.TotalMilliseconds,
            RequestTimeout = options.LowerElectionTimeout,
            ConnectTimeout = options.LowerElectionTimeout,
            ColdStart = false,
            ConfigurationStorage = null, // in memory, from the static voter list at every start
            LoggerFactory = loggers,
        };
        var storage = configuration.ConfigurationStorage as InMemoryClusterConfigurationStorage<EndPoint>
            ?? throw new InvalidOperationException("DotNext did not create its in-memory configuration storage");
        var voters = storage.CreateInitialConfigurationBuilder();
        foreach (var voter in options.Voters.Values)
        {
            voters.Add(voter);
        }

        voters.Build();
        _raft = new RaftCluster(configuration) { AuditTrail = log };
        _raft.LeaderChanged += (_, leader) => OnLeaderChanged(leader);
    }

    /// <summary>The latest committed image this node has applied.</summary>
    public MetadataImage Image => _stateMachine.Image;

    /// <summary>Raised on DotNext's applier task after every applied entry.</summary>
    public event Action<MetadataImage>? ImageChanged
    {
        add => _stateMachine.Applied += value;
        remove => _stateMachine.Applied -= value;
    }

    /// <summary>Raised (on a DotNext thread) when the controller changes; the argument is the new controller's id, -1 while there is none.</summary>
    public event Action<int>? ControllerChanged;

    /// <summary>The node id of the Raft leader (the controller), -1 while an election runs.</summary>
    public int ControllerId => Volatile.Read(ref _controllerId);

    public bool IsController => !_raft.LeadershipToken.IsCancellationRequested;

    public bool IsVoter => true;

    /// <summary>This node's Raft term (raised by every election it sees).</summary>
    public long Term => _raft.Term;

    /// <summary>Opens the log (replaying it into the image; DotNext's WAL checkpoints to disk at every commit) and starts the Raft node; returns before an election completes.</summary>
    public static async Task<MetadataQuorum> StartAsync(QuorumOptions options, ILoggerFactory loggers, CancellationToken token = default)
    {
        if (!options.Voters.ContainsKey(options.NodeId))
        {
            throw new ArgumentException($"node {options.NodeId} is not in controller.quorum.voters ({string.Join(",", options.Voters.Keys)})", nameof(options));
        }

        Directory.CreateDirectory(options.Directory);
        var stateMachine = new MetadataStateMachine(new DirectoryInfo(Path.Combine(options.Directory, "snapshots")));
        await stateMachine.RestoreAsync(token).ConfigureAwait(false);
        var log = new WriteAheadLog(
            new WriteAheadLog.Options
            {
                Location = Path.Combine(options.Directory, "wal"),
                HashAlgorithm = WriteAheadLog.IntegrityHashAlgorithm.Crc32,
            },
            stateMachine);
        var quorum = new MetadataQuorum(options, loggers, stateMachine, log);
        try
        {
            await quorum._raft.StartAsync(token).ConfigureAwait(false);
        }
        catch
        {
            await quorum.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return quorum;
    }

    /// <summary>
    /// On the controller: decides against the committed image and appends the decision's records as
    /// one entry, returning once it is committed and applied (the image after it). A decision that
    /// returns no records appends nothing. Throws <see cref="ControllerException"/> with
    /// <see cref="ControllerError.NotController"/> on any other node, or when leadership is lost before the commit.
    /// </summary>
    public async Task<MetadataImage> SubmitAsync(Func<MetadataImage, IReadOnlyList<MetadataRecord>> decide, CancellationToken token = default)
    {
        await _decisionGate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            if (!IsController)
            {
                throw NotController();
            }

            var term = _raft.Term;
            if (Volatile.Read(ref _barrierTerm) != term)
            {
                // A new controller first makes sure its image holds every entry the previous one committed.
                await _raft.ApplyReadBarrierAsync(token).ConfigureAwait(false);
                Volatile.Write(ref _barrierTerm, term);
            }

            var records = decide(Image);
            if (records.Count > 0)
            {
                await _raft.ReplicateAsync(MetadataCodec.Encode(records), token: token).ConfigureAwait(false);
                // Followers learn the new commit index from the next append; without this round they would
                // wait for the next heartbeat (half the election timeout) before applying the change.
                await _raft.ForceReplicationAsync(token).ConfigureAwait(false);
            }

            return Image;
        }
        catch (Exception e) when (e is NotLeaderException or InvalidOperationException or QuorumUnreachableException && !token.IsCancellationRequested)
        {
            throw NotController();
        }
        finally
        {
            _decisionGate.Release();
        }
    }

    /// <summary>
    /// Waits until this node has applied everything the quorum had committed when it asked (a Raft
    /// read barrier: a follower learns the controller's commit index and waits to apply up to it),
    /// retrying while there is no controller. A restarted broker's image is as of its stop: acting
    /// on it would make it lead partitions whose leadership has moved on meanwhile (Kafka's brokers
    /// likewise wait for their first catch-up with the metadata log before they publish metadata).
    /// </summary>
    public async Task CatchUpAsync(CancellationToken token)
    {
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
            attempt.CancelAfter(_options.UpperElectionTimeout * 4);
            try
            {
                await _raft.ApplyReadBarrierAsync(attempt.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!token.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // No controller yet, or it moved during the attempt (the exception says which): ask again.
                await Task.Delay(_options.LowerElectionTimeout, token).ConfigureAwait(false);
            }
        }
    }

    private void OnLeaderChanged(RaftClusterMember? leader)
    {
        var id = leader is null ? -1 : _options.Voters.FirstOrDefault(v => v.Value.Equals(leader.EndPoint), new(-1, null!)).Key;
        if (Interlocked.Exchange(ref _controllerId, id) != id)
        {
            _logger.LogInformation("Metadata quorum: controller is now {Controller} (term {Term}){Self}", id < 0 ? "none" : $"node {id}", _raft.Term, id == _options.NodeId ? ", this node" : "");
            ControllerChanged?.Invoke(id);
        }
    }

    private ControllerException NotController() =>
        new(ControllerError.NotController, ControllerId is var id and >= 0 ? $"Node {_options.NodeId} is not the controller; node {id} is." : $"Node {_options.NodeId} is not the controller; an election is running.");

    public async ValueTask DisposeAsync()
    {
        if (!_stopped.TrySetResult())
        {
            return;
        }

        try
        {
            await _raft.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // Never started (a failed start): nothing to stop.
        }

        _raft.Dispose();
        await _log.DisposeAsync().ConfigureAwait(false);
        await _stateMachine.DisposeAsync().ConfigureAwait(false);
        _decisionGate.Dispose();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FastLog.Client;
using FastLog.Metadata.Controller;
using FastLog.Metadata.Image;
using FastLog.Metadata.Quorum;
using FastLog.Metadata.Records;
using FastLog.Protocol;
using Microsoft.Extensions.Logging;

namespace FastLog.Broker.Coordination;

/// <summary>
/// The metadata log as a broker beyond the quorum's voters follows it (KRaft's observers): no Raft
/// node and no Raft port, since DotNext has no non-voting member (its standby nodes still vote). It
/// long-polls one voter at a time over the voter's Kafka listener with FastLog's own
/// FetchMetadataImage request ("my image is at offset N"); the voter answers once its committed
/// image is past N or its controller changed, else after <see cref="PollWait"/>, and sends the
/// whole image as records, which this class rebuilds into a <see cref="MetadataImage"/> and
/// publishes like a voter's state machine does. It is never the controller: the broker forwards
/// every change to the controller the voters name.
/// <para>Which voter: the controller when one is known and has not failed this observer in the last
/// <see cref="ControllerPenalty"/> (its image is the first to hold a commit), else the one it already
/// follows, else the voters in turn. A voter's Kafka address comes from its registration in the
/// image, or before the first image from gossip. Any error, refusal or timeout (<see cref="ResponseTimeout"/>)
/// moves to the next voter after a backoff that doubles from <see cref="MinBackoff"/> to <see cref="MaxBackoff"/>.</para>
/// <para>Threading protocol: one loop (<see cref="FollowAsync"/>, on the thread pool) does all the
/// work: it alone writes <see cref="_image"/>, <see cref="_controllerId"/> and <see cref="_catchUpsDone"/>,
/// raises both events in order, and owns the connection. Readers on any thread use volatile reads.
/// A <see cref="CatchUpAsync"/> caller takes a ticket (an increment of <see cref="_catchUpsAsked"/>)
/// and waits until <see cref="_catchUpsDone"/> reaches it; the loop marks a ticket done after a
/// catch-up answer, then completes and replaces <see cref="_catchUpSignal"/>.</para>
/// </summary>
public sealed class MetadataObserver : IMetadataLog
{
    /// <summary>The longest a voter holds a poll with nothing new: how stale a controller id learnt from a lagging voter can stay.</summary>
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(1);

    /// <summary>A voter's answer must come within this: the poll's wait plus a catch-up's bounded read barrier, with room for a loaded host.</summary>
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ControllerPenalty = TimeSpan.FromSeconds(10);

    private readonly int _nodeId;
    private readonly int[] _voters;
    private readonly Func<int, EndPoint?> _gossipEndPoint;
    private readonly ILogger _logger;
    private readonly KafkaClientOptions _clientOptions;
    private readonly CancellationTokenSource _stopping = new();
    private MetadataImage _image = MetadataImage.Empty;
    private int _controllerId = -1;
    private long _catchUpsAsked;
    private long _catchUpsDone;
    private TaskCompletionSource _catchUpSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _following = Task.CompletedTask;

    // The loop's own: the connection, the voter it is to, and the controller that last failed it.
    private KafkaClientConnection? _connection;
    private int _connectedTo = -1;
    private int _failedController = -1;
    private long _failedControllerAt;

    private MetadataObserver(int nodeId, IEnumerable<int> voters, Func<int, EndPoint?> gossipEndPoint, ILogger logger)
    {
        _nodeId = nodeId;
        _voters = voters.Order().ToArray();
        _gossipEndPoint = gossipEndPoint;
        _logger = logger;
        _clientOptions = new KafkaClientOptions { ClientId = $"fastlog-observer-{nodeId}", ConnectTimeout = TimeSpan.FromSeconds(2), ResponseTimeout = ResponseTimeout };
    }

    public MetadataImage Image => Volatile.Read(ref _image);

    public event Action<MetadataImage>? ImageChanged;

    public event Action<int>? ControllerChanged;

    public int ControllerId => Volatile.Read(ref _controllerId);

    public bool IsController => false;

    public bool IsVoter => false;

    /// <summary>
    /// Starts following the voters (<paramref name="voters"/>: controller.quorum.voters' node ids).
    /// <paramref name="gossipEndPoint"/> gives a live voter's Kafka address as gossip knows it, for
    /// the voters the image does not register yet (null when gossip does not know it either).
    /// </summary>
    public static MetadataObserver Start(int nodeId, IEnumerable<int> voters, Func<int, EndPoint?> gossipEndPoint, ILogger logger)
    {
        var observer = new MetadataObserver(nodeId, voters, gossipEndPoint, logger);
        logger.LogInformation("Metadata log: node {Node} is not one of the voters ({Voters}); it observes, following the committed image from them", nodeId, string.Join(",", observer._voters));
        observer._following = Task.Run(observer.FollowAsync);
        return observer;
    }

    public Task<MetadataImage> SubmitAsync(Func<MetadataImage, IReadOnlyList<MetadataRecord>> decide, CancellationToken token = default) =>
        Task.FromException<MetadataImage>(new ControllerException(ControllerError.NotController,
            ControllerId is var id and >= 0 ? $"Node {_nodeId} observes the metadata log; node {id} is the controller." : $"Node {_nodeId} observes the metadata log; no controller is known."));

    /// <summary>Waits until this observer holds an image at least as recent as what the voter it asks had committed when it asked (the voter runs a read barrier first).</summary>
    public async Task CatchUpAsync(CancellationToken token)
    {
        var ticket = Interlocked.Increment(ref _catchUpsAsked);
        while (true)
        {
            var signal = Volatile.Read(ref _catchUpSignal);
            if (Volatile.Read(ref _catchUpsDone) >= ticket)
            {
                return;
            }

            await signal.Task.WaitAsync(token).ConfigureAwait(false);
        }
    }

    private async Task FollowAsync()
    {
        var token = _stopping.Token;
        var next = 0;
        var backoff = MinBackoff;
        // One line when the observer starts following a voter and one when it loses it: voters down for minutes must not fill the log.
        var following = -1;
        try
        {
            while (true)
            {
                var voter = Choose(ref next);
                if (await PollAsync(voter, token).ConfigureAwait(false) is not { } failure)
                {
                    if (following != voter)
                    {
                        _logger.LogInformation("Metadata log: following voter {Voter}, image at offset {Offset}", voter, Image.Offset);
                        following = voter;
                    }

                    backoff = MinBackoff;
                    continue;
                }

                _logger.Log(following == voter ? LogLevel.Information : LogLevel.Debug, "Metadata log: voter {Voter} did not answer this observer ({Reason}); trying another in {Backoff} ms", voter, failure, backoff.TotalMilliseconds);
                following = following == voter ? -1 : following;
                Disconnect();
                if (voter == ControllerId)
                {
                    (_failedController, _failedControllerAt) = (voter, Stopwatch.GetTimestamp());
                }

                next = Array.IndexOf(_voters, voter) + 1;
                await Task.Delay(backoff, token).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        catch (Exception e) when (token.IsCancellationRequested && e is OperationCanceledException or IOException or SocketException)
        {
            // Stopping (a cancelled read may surface as the socket's own error).
        }
    }

    /// <summary>The voter to ask next: the controller unless it failed lately, else the one already followed, else the next in turn.</summary>
    private int Choose(ref int next)
    {
        var controller = ControllerId;
        var penalized = controller == _failedController && Stopwatch.GetElapsedTime(_failedControllerAt) < ControllerPenalty;
        if (Array.IndexOf(_voters, controller) >= 0 && !penalized)
        {
            return controller;
        }

        return _connectedTo >= 0 ? _connectedTo : _voters[next++ % _voters.Length];
    }

    /// <summary>One long poll of <paramref name="voter"/>, connecting first when needed; null on success, else why it failed.</summary>
    private async Task<string?> PollAsync(int voter, CancellationToken token)
    {
        try
        {
            if (_connectedTo != voter || _connection is null)
            {
                Disconnect();
                if (EndPointOf(voter) is not { } endPoint)
                {
                    return "no Kafka address known for it yet";
                }

                _connection = await KafkaClientConnection.ConnectAsync(endPoint, _clientOptions, token).ConfigureAwait(false);
                _connectedTo = voter;
            }

            var ticket = Volatile.Read(ref _catchUpsAsked);
            var catchUp = ticket > _catchUpsDone;
            var request = new FetchMetadataImageRequest { NodeId = _nodeId, ImageOffset = Image.Offset, ControllerId = ControllerId, CatchUp = catchUp, MaxWaitMs = (int)PollWait.TotalMilliseconds };
            var response = await _connection.SendAsync<FetchMetadataImageResponse>(request, 0, token).ConfigureAwait(false);
            if (response.ErrorCode != ErrorCode.None)
            {
                return $"it answered {response.ErrorCode}";
            }

            Apply(response, voter);
            if (catchUp)
            {
                Volatile.Write(ref _catchUpsDone, ticket);
                Interlocked.Exchange(ref _catchUpSignal, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }

            return null;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or ProtocolException or MetadataCodecException && !token.IsCancellationRequested)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Publishes the answer's image when it is newer than the one held (a voter that lags behind
    /// another this observer asked before sends an older one: ignored), then its controller.
    /// </summary>
    private void Apply(FetchMetadataImageResponse response, int voter)
    {
        if (response.ImageOffset > Image.Offset && response.Image.Length > 0)
        {
            var image = MetadataImage.Empty.Apply(MetadataCodec.Decode(response.Image), response.ImageOffset);
            Volatile.Write(ref _image, image);
            ImageChanged?.Invoke(image);
        }

        if (response.ControllerId != ControllerId)
        {
            Volatile.Write(ref _controllerId, response.ControllerId);
            _logger.LogInformation("Metadata log: controller is now {Controller} (as voter {Voter} says)", response.ControllerId < 0 ? "none" : $"node {response.ControllerId}", voter);
            ControllerChanged?.Invoke(response.ControllerId);
        }
    }

    /// <summary>The voter's Kafka address: its registration in the image, else gossip's.</summary>
    private EndPoint? EndPointOf(int voter) =>
        Image.Brokers.TryGetValue(voter, out var registered) ? new DnsEndPoint(registered.KafkaHost, registered.KafkaPort) : _gossipEndPoint(voter);

    private void Disconnect()
    {
        _connection?.Dispose();
        _connection = null;
        _connectedTo = -1;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _following.ConfigureAwait(false);
        Disconnect();
        _stopping.Dispose();
    }
}

using FastLog.Storage.Policy;

namespace FastLog.Storage;

/// <summary>Retention by size and age, and DeleteRecords (LogStartOffset advance).</summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// Applies retention now (it also runs every <see cref="StorageOptions.RetentionCheckInterval"/>):
    /// rolls an active segment that is past segment.ms or wholly past retention.ms, then deletes
    /// whole closed segments past retention.bytes / retention.ms or below the LogStartOffset.
    /// </summary>
    public Task EnforceRetentionAsync()
    {
        ThrowIfUnusable();
        return RunExclusiveAsync(() => ApplyRetentionAsync(_options.UnixTimeMs()));
    }

    /// <summary>
    /// DeleteRecords: makes <paramref name="offset"/> the new LogStartOffset (never backwards) and
    /// deletes the segments wholly below it. Throws <see cref="LogOffsetOutOfRangeException"/> past
    /// the high watermark. Returns the LogStartOffset afterwards (Kafka's low_watermark).
    /// </summary>
    public async Task<long> DeleteRecordsAsync(long offset)
    {
        ThrowIfUnusable();
        await RunExclusiveAsync(async () =>
        {
            if (!RetentionPolicy.TryAdvanceLogStart(LogStartOffset, offset, HighWatermark, out var logStart))
            {
                throw new LogOffsetOutOfRangeException(offset, LogStartOffset, HighWatermark);
            }

            if (logStart != LogStartOffset)
            {
                LogStartOffset = logStart;
                _cache.DropBefore(logStart);
                await ApplyRetentionAsync(_options.UnixTimeMs());
                await WriteCheckpointAsync(clean: false);
            }
        });
        return LogStartOffset;
    }

    private async ValueTask ApplyRetentionAsync(long now)
    {
        _lastRetentionMs = now;
        if (SegmentRollPolicy.ShouldRollIdle(Active.Summary, _options, now))
        {
            await RollAsync(now);
        }

        var summaries = new SegmentSummary[_segments.Count];
        for (var i = 0; i < summaries.Length; i++)
        {
            summaries[i] = _segments[i].Summary;
        }

        var deletable = RetentionPolicy.DeletableSegments(summaries, LogStartOffset, _options, now);
        if (deletable == 0)
        {
            return;
        }

        for (var i = 0; i < deletable; i++)
        {
            Log($"retention deletes segment {_segments[0].BaseOffset} ({_segments[0].Size} bytes)");
            _segments[0].Delete();
            _segments.RemoveAt(0);
        }

        LogStartOffset = Math.Max(LogStartOffset, _segments[0].BaseOffset);
        _cache.DropBefore(LogStartOffset);
        await _io.DataSyncAsync(_directoryHandle);
        await WriteCheckpointAsync(clean: false);
    }
}

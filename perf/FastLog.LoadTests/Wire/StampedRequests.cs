using FastLog.LoadTests.Scenarios;
using FastLog.Protocol;
using FastLog.Records;

namespace FastLog.LoadTests.Wire;

/// <summary>
/// The open-model wire producer's batches: the records due in one pacer tick, dealt round-robin
/// over the partitions, each value stamped with the send time and its own due time
/// (<see cref="RecordStamp"/>). Everything is reused from tick to tick (value arrays, record lists,
/// one buffer all the batches are encoded into): at ~100,000 records a second per producer,
/// fresh arrays of request size (large-object heap) cost the generator gen2 collections and its
/// schedule. One producer thread only; a returned batch is valid until the next <see cref="Encode"/>.
/// </summary>
internal sealed class StampedRequests(int recordSize, IReadOnlyList<int> partitions) : IDisposable
{
    private readonly Stack<byte[]> _values = new();
    private readonly List<KeyValueRecord>[] _perPartition = partitions.Select(_ => new List<KeyValueRecord>()).ToArray();
    private readonly KafkaWriter _batches = new(256 << 10);
    private readonly List<(int Partition, int Start, int Length)> _encoded = [];
    private int _nextPartition;

    /// <summary>One batch per partition that got records, one record per due time in <paramref name="due"/>.</summary>
    public IEnumerable<(int Partition, ReadOnlyMemory<byte> Batch)> Encode(List<long> due, long sentAt)
    {
        for (int i = 0; i < due.Count; i++)
        {
            if (!_values.TryPop(out var value))
            {
                value = RecordStamp.NewValue(recordSize);
            }

            RecordStamp.Write(value, sentAt, due[i]);
            _perPartition[_nextPartition].Add(new KeyValueRecord([], value));
            _nextPartition = (_nextPartition + 1) % _perPartition.Length;
        }

        var builder = new RecordBatchBuilder { FirstTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        _batches.Reset();
        _encoded.Clear();
        for (int p = 0; p < _perPartition.Length; p++)
        {
            var records = _perPartition[p];
            if (records.Count == 0)
            {
                continue;
            }

            int start = _batches.Position;
            int length = builder.WriteTo(_batches, records);
            _encoded.Add((partitions[p], start, length));
            foreach (var record in records)
            {
                _values.Push(record.Value!);
            }

            records.Clear();
        }

        // Sliced only now: the buffer may have grown (moved) while the batches were encoded.
        return _encoded.Select(e => (e.Partition, _batches.WrittenMemory.Slice(e.Start, e.Length)));
    }

    /// <summary>Gives back the encode buffer.</summary>
    public void Dispose() => _batches.Dispose();
}

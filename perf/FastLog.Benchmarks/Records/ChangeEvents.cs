using FastLog.Records;

namespace FastLog.Benchmarks.Records;

/// <summary>
/// Records like real change events: JSON-like values under 10,000 distinct keys, about as
/// compressible as what compacted and compressed topics hold. Seeded: every run encodes the same bytes.
/// </summary>
internal static class ChangeEvents
{
    /// <summary>Records whose encoded size adds up to about <paramref name="bytes"/>.</summary>
    public static List<KeyValueRecord> Build(int bytes)
    {
        var random = new Random(14);
        var records = new List<KeyValueRecord>();
        var size = 0;
        while (size < bytes)
        {
            var key = System.Text.Encoding.UTF8.GetBytes($"customer-{random.Next(10_000)}");
            var value = System.Text.Encoding.UTF8.GetBytes(
                $"{{\"id\":{random.Next()},\"status\":\"{(random.Next(3) == 0 ? "active" : "pending")}\",\"balance\":{random.Next(100_000)}.{random.Next(100):D2},\"updated\":{1_700_000_000_000 + random.Next()}}}");
            records.Add(new KeyValueRecord(key, value));
            size += key.Length + value.Length + 8;
        }

        return records;
    }
}

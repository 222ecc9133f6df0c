using System.Buffers.Binary;
using System.Text;

namespace FastLog.Broker.Groups;

/// <summary>
/// Reads the topic list of a consumer-protocol member's JoinGroup metadata (Kafka's
/// ConsumerProtocolSubscription, all versions 0-3 start the same way), which OffsetDelete needs to
/// refuse deleting offsets of topics the group still consumes.
/// <code>
///  version  i16
///  topics   i32 count, then per topic: i16 length + UTF-8 name
///  ...      user data, owned partitions (v1+), generation (v2+), rack (v3+): not read
/// </code>
/// </summary>
internal static class ConsumerProtocolSubscription
{
    /// <summary>The protocol type of Kafka consumers' groups.</summary>
    public const string ProtocolType = "consumer";

    public static bool TryReadTopics(ReadOnlySpan<byte> metadata, HashSet<string> topics)
    {
        if (metadata.Length < 6)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(metadata[2..]);
        var at = 6;
        for (var i = 0; i < count; i++)
        {
            if (at + 2 > metadata.Length)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadInt16BigEndian(metadata[at..]);
            at += 2;
            if (length < 0 || at + length > metadata.Length)
            {
                return false;
            }

            topics.Add(Encoding.UTF8.GetString(metadata.Slice(at, length)));
            at += length;
        }

        return true;
    }
}

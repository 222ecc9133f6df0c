using System.Buffers.Binary;
using static FastLog.Broker.Groups.OffsetsLogFields;

namespace FastLog.Broker.Groups;

/// <summary>
/// A classic group's membership in the offsets log, in Kafka's own __consumer_offsets schema (key
/// version 2, value version 3; values 0–2 are read too), stored when a generation's assignment is
/// settled and when a group becomes empty, so a coordinator that takes the group over (another
/// broker after a failover, or this one after a restart) goes on with the same generation,
/// members and assignments instead of making every member rejoin. A null value deletes the group.
/// <code>
/// key   0   2    version                 i16 = 2
///       2   2+g  group                   string
/// value 0   2    version                 i16 = 3
///       ..  2+t  protocol_type           string
///       ..  4    generation              i32
///       ..  2+p  protocol                string (nullable)
///       ..  2+l  leader                  string (nullable)
///       ..  8    current_state_timestamp i64 Unix ms (v2+)
///       ..  4    member count            i32, then per member:
///                member_id               string
///                group_instance_id       string (nullable, v3+)
///                client_id, client_host  string, string
///                rebalance_timeout       i32 ms (v1+)
///                session_timeout         i32 ms
///                subscription            bytes (i32 length: the member's metadata for the protocol)
///                assignment              bytes
/// </code>
/// </summary>
internal static class GroupMetadataRecord
{
    public const short KeyVersion = 2;
    private const short ValueVersion = 3;

    /// <summary>What the record says of one member.</summary>
    public sealed record Member(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost, int RebalanceTimeoutMs, int SessionTimeoutMs, byte[] Subscription, byte[] Assignment);

    /// <summary>What the record says of the group.</summary>
    public sealed record Value(string ProtocolType, int Generation, string? Protocol, string? Leader, long CurrentStateTimestamp, List<Member> Members);

    public static byte[] EncodeKey(string group)
    {
        var key = new byte[2 + StringSize(group)];
        WriteString(key, WriteInt16(key, 0, KeyVersion), group);
        return key;
    }

    /// <summary>The group of a group-metadata key; false for the other key types (offset commits).</summary>
    public static bool TryDecodeKey(ReadOnlySpan<byte> key, out string group)
    {
        group = "";
        if (key.Length < 2 || BinaryPrimitives.ReadInt16BigEndian(key) != KeyVersion)
        {
            return false;
        }

        var at = 2;
        group = ReadString(key, ref at) ?? throw new InvalidDataException("Group metadata key without a group id.");
        return true;
    }

    public static byte[] EncodeValue(Value group)
    {
        var size = 2 + StringSize(group.ProtocolType) + 4 + StringSize(group.Protocol) + StringSize(group.Leader) + 8 + 4
            + group.Members.Sum(m => StringSize(m.MemberId) + StringSize(m.GroupInstanceId) + StringSize(m.ClientId) + StringSize(m.ClientHost) + 8 + BytesSize(m.Subscription) + BytesSize(m.Assignment));
        var value = new byte[size];
        var at = WriteInt16(value, 0, ValueVersion);
        at = WriteString(value, at, group.ProtocolType);
        at = WriteInt32(value, at, group.Generation);
        at = WriteString(value, at, group.Protocol);
        at = WriteString(value, at, group.Leader);
        at = WriteInt64(value, at, group.CurrentStateTimestamp);
        at = WriteInt32(value, at, group.Members.Count);
        foreach (var member in group.Members)
        {
            at = WriteString(value, at, member.MemberId);
            at = WriteString(value, at, member.GroupInstanceId);
            at = WriteString(value, at, member.ClientId);
            at = WriteString(value, at, member.ClientHost);
            at = WriteInt32(value, at, member.RebalanceTimeoutMs);
            at = WriteInt32(value, at, member.SessionTimeoutMs);
            at = WriteBytes(value, at, member.Subscription);
            at = WriteBytes(value, at, member.Assignment);
        }

        return value;
    }

    /// <summary>Decodes value versions 0–3; throws <see cref="InvalidDataException"/> for anything else or a truncated value.</summary>
    public static Value DecodeValue(ReadOnlySpan<byte> value)
    {
        try
        {
            var at = 0;
            var version = ReadInt16(value, ref at);
            if (version is < 0 or > ValueVersion)
            {
                throw new InvalidDataException($"Group metadata value version {version} is not 0 to {ValueVersion}.");
            }

            var protocolType = ReadString(value, ref at) ?? "";
            var generation = ReadInt32(value, ref at);
            var protocol = ReadString(value, ref at);
            var leader = ReadString(value, ref at);
            var timestamp = version >= 2 ? ReadInt64(value, ref at) : -1;
            var count = ReadInt32(value, ref at);
            if (count < 0 || count > value.Length)
            {
                throw new InvalidDataException($"Group metadata value with {count} members in {value.Length} bytes.");
            }

            var members = new List<Member>(count);
            for (var i = 0; i < count; i++)
            {
                var memberId = ReadString(value, ref at) ?? throw new InvalidDataException("Group member without a member id.");
                var instanceId = version >= 3 ? ReadString(value, ref at) : null;
                var clientId = ReadString(value, ref at) ?? "";
                var clientHost = ReadString(value, ref at) ?? "";
                int? rebalanceTimeout = version >= 1 ? ReadInt32(value, ref at) : null;
                var sessionTimeout = ReadInt32(value, ref at);
                var subscription = ReadBytes(value, ref at);
                var assignment = ReadBytes(value, ref at);
                // Version 0 has one timeout for both, as Kafka reads it.
                members.Add(new Member(memberId, instanceId, clientId, clientHost, rebalanceTimeout ?? sessionTimeout, sessionTimeout, subscription, assignment));
            }

            return new Value(protocolType, generation, protocol, leader, timestamp, members);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Group metadata value of {value.Length} bytes is truncated.", e);
        }
    }
}

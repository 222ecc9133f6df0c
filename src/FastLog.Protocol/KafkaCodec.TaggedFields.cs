using System.Numerics;

namespace FastLog.Protocol;

/// <summary>
/// Tagged fields (flexible versions only): <c>uvarint count, then per field uvarint tag,
/// uvarint size, value</c>, tags ascending. Messages with no known tags call
/// <see cref="TaggedFields"/>; those with some walk them with
/// <see cref="BeginTaggedFields"/> / <see cref="NextTaggedField"/>:
/// <code>
///   var tags = c.BeginTaggedFields(known: 0b1, present: ClusterId is null ? 0u : 0b1u);
///   while (c.NextTaggedField(ref tags, out var tag))
///       c.NullableString(ref ClusterId);
/// </code>
/// Reading yields only known tags (unknown ones are skipped); writing yields each present tag
/// and gives the value its size prefix once written. In non-flexible versions both are no-ops.
/// </summary>
public ref partial struct KafkaCodec
{
    /// <summary>A tagged-field section with no known tags: skipped on read, written empty.</summary>
    public void TaggedFields()
    {
        if (!Flexible)
            return;
        if (_writer is null)
            Reader.SkipTaggedFields();
        else
            _writer.WriteEmptyTaggedFields();
    }

    /// <param name="known">Bit i set: this struct defines tag i in this version.</param>
    /// <param name="present">Bit i set: tag i holds a non-default value and is written.</param>
    public TaggedFieldCursor BeginTaggedFields(uint known, uint present)
    {
        if (!Flexible)
            return default;
        if (_writer is not null)
        {
            var mask = known & present;
            _writer.WriteUnsignedVarInt((uint)BitOperations.PopCount(mask));
            return new TaggedFieldCursor { Pending = mask };
        }

        return new TaggedFieldCursor { Pending = Reader.ReadUnsignedVarInt(), Known = known };
    }

    public bool NextTaggedField(ref TaggedFieldCursor cursor, out int tag)
    {
        if (_writer is not null)
        {
            if (cursor.Open)
                _writer.InsertUnsignedVarInt(cursor.ValueStart, (uint)(_writer.Position - cursor.ValueStart));
            cursor.Open = cursor.Pending != 0;
            if (!cursor.Open)
            {
                tag = -1;
                return false;
            }

            tag = BitOperations.TrailingZeroCount(cursor.Pending);
            cursor.Pending &= cursor.Pending - 1;
            _writer.WriteUnsignedVarInt((uint)tag);
            cursor.ValueStart = _writer.Position;
            return true;
        }

        if (cursor.Open)
        {
            // A value longer than we know (a newer writer) is fine: skip the rest. Reading past
            // the declared size is corrupt input.
            if (Reader.Position > cursor.ValueEnd)
                throw new ProtocolException("Tagged field value overruns its size.");
            Reader.Skip(cursor.ValueEnd - Reader.Position);
            cursor.Open = false;
        }

        for (; cursor.Pending > 0; cursor.Pending--)
        {
            var rawTag = Reader.ReadUnsignedVarInt();
            var size = Reader.ReadTaggedFieldSize();
            if (rawTag < 32 && (cursor.Known & (1u << (int)rawTag)) != 0)
            {
                cursor.Pending--;
                cursor.Open = true;
                cursor.ValueEnd = Reader.Position + size;
                tag = (int)rawTag;
                return true;
            }

            Reader.Skip(size);
        }

        tag = -1;
        return false;
    }
}

namespace FastLog.Protocol;

/// <summary>State of one tagged-field walk (see <see cref="KafkaCodec.BeginTaggedFields"/>).</summary>
public struct TaggedFieldCursor
{
    /// <summary>Reading: fields left to read. Writing: bit mask of tags left to write.</summary>
    internal uint Pending;

    /// <summary>Reading: bit mask of the tags the struct knows.</summary>
    internal uint Known;

    /// <summary>A yielded field whose value is being read or written.</summary>
    internal bool Open;

    /// <summary>Writing: where the open value starts (its size prefix is inserted there).</summary>
    internal int ValueStart;

    /// <summary>Reading: where the open value must end.</summary>
    internal int ValueEnd;
}

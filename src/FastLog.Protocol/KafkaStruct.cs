namespace FastLog.Protocol;

/// <summary>
/// A Kafka message struct (a whole message or an element of one of its arrays). Each type lists
/// its fields once, in wire order, in <see cref="Map"/>: the same method reads or writes
/// depending on the <see cref="KafkaCodec"/> it is given, so the two directions cannot drift
/// apart. Fields missing from the version being read keep their initial values, which are
/// Kafka's defaults for those fields. In flexible versions every struct ends with a
/// tagged-field section (<see cref="MapTaggedFields"/>); the codec adds it after <see cref="Map"/>.
/// </summary>
public abstract class KafkaStruct
{
    /// <summary>The struct's regular fields, in wire order, for <see cref="KafkaCodec.Version"/>.</summary>
    internal abstract void Map(ref KafkaCodec codec);

    /// <summary>The tagged-field section: none known by default (unknown tags are skipped, none written).</summary>
    internal virtual void MapTaggedFields(ref KafkaCodec codec) => codec.TaggedFields();

    /// <summary>The whole struct: fields, then tagged fields.</summary>
    internal void MapAll(ref KafkaCodec codec)
    {
        Map(ref codec);
        MapTaggedFields(ref codec);
    }
}

using System.Collections.Immutable;

namespace FastLog.Metadata.Image;

/// <summary>A topic in the metadata image: its id, config overrides and partitions (index = partition number).</summary>
public sealed record TopicImage(string Name, Guid TopicId, ImmutableSortedDictionary<string, string> Configs, ImmutableList<PartitionImage> Partitions);

using System.Text.Json.Serialization;

namespace FastLog.Broker.Topics;

/// <summary>Source-generated JSON for topics.json (no reflection at startup).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<TopicRegistry.StoredTopic>))]
internal sealed partial class TopicRegistryJson : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace FastLog.Storage.Producers;

/// <summary>Source-generated JSON for producer state snapshots.</summary>
[JsonSerializable(typeof(ProducerStateSnapshot))]
internal sealed partial class ProducerStateJson : JsonSerializerContext;

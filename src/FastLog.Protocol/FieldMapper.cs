namespace FastLog.Protocol;

/// <summary>Reads or writes one value (an array element) through a <see cref="KafkaCodec"/>.</summary>
public delegate void FieldMapper<T>(ref KafkaCodec codec, ref T value);

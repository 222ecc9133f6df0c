using System.Runtime.InteropServices;

namespace FastLog.Protocol;

/// <summary>
/// One field-by-field walk of a message that either reads (over a <see cref="KafkaReader"/>) or
/// writes (into a <see cref="KafkaWriter"/>). Every method takes the field by ref: reading
/// assigns it, writing encodes it. <see cref="Flexible"/> (the version is at or past the API's
/// first flexible version) selects compact lengths and tagged-field sections, so message types
/// only state which fields exist in which <see cref="Version"/>.
/// </summary>
public ref partial struct KafkaCodec
{
    public KafkaReader Reader;
    private readonly KafkaWriter? _writer;

    private KafkaCodec(KafkaReader reader, KafkaWriter? writer, short version, bool flexible)
    {
        Reader = reader;
        _writer = writer;
        Version = version;
        Flexible = flexible;
    }

    public short Version { get; }

    public bool Flexible { get; }

    public readonly bool IsReading => _writer is null;

    public static KafkaCodec ForReading(KafkaReader reader, short version, bool flexible) =>
        new(reader, null, version, flexible);

    public static KafkaCodec ForWriting(KafkaWriter writer, short version, bool flexible) =>
        new(default, writer, version, flexible);

    public void Int8(ref sbyte value)
    {
        if (_writer is null)
            value = Reader.ReadInt8();
        else
            _writer.WriteInt8(value);
    }

    public void Int16(ref short value)
    {
        if (_writer is null)
            value = Reader.ReadInt16();
        else
            _writer.WriteInt16(value);
    }

    public void Int32(ref int value)
    {
        if (_writer is null)
            value = Reader.ReadInt32();
        else
            _writer.WriteInt32(value);
    }

    public void Int64(ref long value)
    {
        if (_writer is null)
            value = Reader.ReadInt64();
        else
            _writer.WriteInt64(value);
    }

    public void Bool(ref bool value)
    {
        if (_writer is null)
            value = Reader.ReadBool();
        else
            _writer.WriteBool(value);
    }

    public void Uuid(ref Guid value)
    {
        if (_writer is null)
            value = Reader.ReadUuid();
        else
            _writer.WriteUuid(value);
    }

    /// <summary>An int16 error code.</summary>
    public void Error(ref ErrorCode value)
    {
        var raw = (short)value;
        Int16(ref raw);
        value = (ErrorCode)raw;
    }

    public void String(ref string value)
    {
        if (_writer is null)
            value = Reader.ReadString(Flexible);
        else
            _writer.WriteString(value ?? throw NullInNonNullable(), Flexible);
    }

    /// <summary>A string that may be null when <paramref name="nullable"/> (Kafka's nullableVersions) holds.</summary>
    public void NullableString(ref string? value, bool nullable = true)
    {
        if (_writer is null)
            value = nullable ? Reader.ReadNullableString(Flexible) : Reader.ReadString(Flexible);
        else
            _writer.WriteNullableString(nullable ? value : value ?? throw NullInNonNullable(), Flexible);
    }

    public void Bytes(ref byte[] value)
    {
        if (_writer is null)
            value = Reader.ReadBytes(Flexible);
        else
            _writer.WriteNullableBytes(value ?? throw NullInNonNullable(), isNull: false, Flexible);
    }

    /// <summary>RECORDS read as a slice of the request frame (see <see cref="KafkaReader.ReadRecords"/>).</summary>
    public void Records(ref ReadOnlyMemory<byte>? value)
    {
        if (_writer is null)
            value = Reader.ReadRecords(Flexible);
        else
            _writer.WriteNullableBytes(value.GetValueOrDefault().Span, isNull: value is null, Flexible);
    }

    /// <summary>
    /// RECORDS that may be external: <see cref="MemoryRecords"/> are copied inline, any other
    /// <see cref="IRecordsPayload"/> becomes a splice point after its length prefix.
    /// Read back, records are <see cref="MemoryRecords"/> slicing the frame (null stays null).
    /// Null is WRITTEN as an empty record set: the schema allows null but Kafka brokers never
    /// send it and librdkafka rejects it ("invalid MessageSetSize -1").
    /// </summary>
    public void Records(ref IRecordsPayload? value)
    {
        if (_writer is null)
        {
            var bytes = Reader.ReadRecords(Flexible);
            value = bytes is { } b ? new MemoryRecords(b) : null;
            return;
        }

        _writer.WriteLength(value?.Length ?? 0, Flexible);
        if (value is MemoryRecords memory)
            _writer.WriteRaw(memory.Bytes.Span);
        else if (value is not null)
            _writer.WriteExternal(value);
    }

    /// <summary>A struct field (not in an array).</summary>
    public void Struct<T>(ref T value)
        where T : KafkaStruct, new()
    {
        value ??= new T();
        value.MapAll(ref this);
    }

    public void Array<T>(ref List<T> value)
        where T : KafkaStruct, new() =>
        Array(ref value, StructElement<T>.Mapper);

    /// <summary>A non-nullable array whose elements a message maps its own way (a struct whose fields depend on the enclosing API).</summary>
    public void Array<T>(ref List<T> value, FieldMapper<T> map)
    {
        List<T>? items = value;
        ArrayCore(ref items, nullable: false, 1, map);
        value = items!;
    }

    public void NullableArray<T>(ref List<T>? value, bool nullable = true)
        where T : KafkaStruct, new() =>
        ArrayCore(ref value, nullable, 1, StructElement<T>.Mapper);

    public void Int32Array(ref List<int> value)
    {
        List<int>? items = value;
        NullableInt32Array(ref items, nullable: false);
        value = items!;
    }

    public void NullableInt32Array(ref List<int>? value, bool nullable = true) =>
        ArrayCore(ref value, nullable, 4, static (ref KafkaCodec c, ref int v) => c.Int32(ref v));

    public void StringArray(ref List<string> value)
    {
        List<string>? items = value;
        NullableStringArray(ref items, nullable: false);
        value = items!;
    }

    public void NullableStringArray(ref List<string>? value, bool nullable = true) =>
        ArrayCore(ref value, nullable, 1, static (ref KafkaCodec c, ref string v) => c.String(ref v));

    private void ArrayCore<T>(ref List<T>? value, bool nullable, int minElementSize, FieldMapper<T> map)
    {
        if (_writer is null)
        {
            var count = Reader.ReadLength(Flexible, minElementSize: minElementSize);
            if (count < 0)
            {
                value = nullable ? null : throw new ProtocolException("Null in a non-nullable array.");
                return;
            }

            // Capacity grows with elements actually decoded, never with the claimed count alone.
            var items = new List<T>(Math.Min(count, 64));
            for (var i = 0; i < count; i++)
            {
                var item = default(T)!;
                map(ref this, ref item);
                items.Add(item);
            }

            value = items;
            return;
        }

        if (value is null)
        {
            _writer.WriteLength(nullable ? -1 : throw NullInNonNullable(), Flexible);
            return;
        }

        _writer.WriteLength(value.Count, Flexible);
        foreach (ref var item in CollectionsMarshal.AsSpan(value))
            map(ref this, ref item);
    }

    private static InvalidOperationException NullInNonNullable() =>
        new("Null in a field that is not nullable in this version.");

    private static class StructElement<T>
        where T : KafkaStruct, new()
    {
        public static readonly FieldMapper<T> Mapper = static (ref KafkaCodec c, ref T v) => c.Struct(ref v);
    }
}

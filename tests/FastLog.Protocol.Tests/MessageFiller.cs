using System.Collections;
using System.Reflection;

namespace FastLog.Protocol.Tests;

/// <summary>
/// Fills every public field of a message graph with non-default values (deterministic from a
/// seed), and compares graphs field by field. Used by the round-trip tests so that every field
/// of every message type is exercised without hand-writing values for ~100 types.
/// </summary>
internal sealed class MessageFiller(int seed)
{
    private readonly Random _random = new(seed);

    public static IEnumerable<FieldInfo> Fields(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.MetadataToken);

    public T Fill<T>(T target)
        where T : KafkaStruct
    {
        foreach (var field in Fields(target.GetType()))
            field.SetValue(target, Value(field.FieldType, field.GetValue(target)));
        return target;
    }

    public object Value(Type type, object? current)
    {
        if (type == typeof(int))
            return Different(current, () => _random.Next(1, int.MaxValue));
        if (type == typeof(short))
            return Different(current, () => (short)_random.Next(1, short.MaxValue));
        if (type == typeof(long))
            return Different(current, () => _random.NextInt64(1, long.MaxValue));
        if (type == typeof(sbyte))
            return Different(current, () => (sbyte)_random.Next(1, sbyte.MaxValue));
        if (type == typeof(bool))
            return !(bool)current!;
        if (type == typeof(Guid))
            return new Guid(Bytes(16));
        if (type == typeof(string))
            return "s" + _random.Next(1_000_000);
        if (type == typeof(ErrorCode))
            return (ErrorCode)_random.Next(1, 120);
        if (type == typeof(byte[]))
            return Bytes(_random.Next(1, 20));
        if (type == typeof(ReadOnlyMemory<byte>?))
            return (ReadOnlyMemory<byte>?)Bytes(_random.Next(1, 64));
        if (type == typeof(IRecordsPayload))
            return new MemoryRecords(Bytes(_random.Next(1, 64)));
        if (type == typeof(List<int>))
            return new List<int> { _random.Next(), _random.Next() };
        if (type == typeof(List<string>))
            return new List<string> { "a" + _random.Next(1000), "b" + _random.Next(1000) };
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(type)!;
            for (var i = 0; i < 2; i++)
                list.Add(Fill((KafkaStruct)Activator.CreateInstance(type.GetGenericArguments()[0])!));
            return list;
        }

        if (typeof(KafkaStruct).IsAssignableFrom(type))
            return Fill((KafkaStruct)Activator.CreateInstance(type)!);
        throw new NotSupportedException($"No filler for {type}.");
    }

    /// <summary>
    /// Compares two graphs field by field; a field may differ only when <paramref name="allowed"/>
    /// says so (given the field and the value read back). Returns the path of the first other difference.
    /// </summary>
    public static string? FirstDifference(object? expected, object? actual, Func<FieldInfo, object?, bool> allowed, string path = "")
    {
        switch (expected)
        {
            case null:
                return actual is null ? null : path;
            case KafkaStruct s:
                if (actual is null || actual.GetType() != s.GetType())
                    return path;
                foreach (var field in Fields(s.GetType()))
                {
                    var actualValue = field.GetValue(actual);
                    var difference = FirstDifference(field.GetValue(s), actualValue, allowed, path + "." + field.Name);
                    if (difference is not null && !allowed(field, actualValue))
                        return difference;
                }

                return null;
            case byte[] bytes:
                return actual is byte[] b && bytes.AsSpan().SequenceEqual(b) ? null : path;
            case IList list:
                if (actual is not IList other || other.Count != list.Count)
                    return path;
                for (var i = 0; i < list.Count; i++)
                {
                    var difference = FirstDifference(list[i], other[i], allowed, $"{path}[{i}]");
                    if (difference is not null)
                        return difference;
                }

                return null;
            case ReadOnlyMemory<byte> memory:
                return actual is ReadOnlyMemory<byte> m && memory.Span.SequenceEqual(m.Span) ? null : path;
            case MemoryRecords records:
                return actual is MemoryRecords r && records.Bytes.Span.SequenceEqual(r.Bytes.Span) ? null : path;
            default:
                return expected.Equals(actual) ? null : path;
        }
    }

    private object Different(object? current, Func<object> next)
    {
        while (true)
        {
            var value = next();
            if (!value.Equals(current))
                return value;
        }
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}

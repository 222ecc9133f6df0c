using System.Reflection;

namespace FastLog.Protocol.Tests;

/// <summary>
/// For every supported API, every version, request and response: a message with non-default
/// values in every field is written, read back and compared. Fields the version does not carry
/// come back as their defaults; every other field must survive, the whole input must be
/// consumed and re-encoding must give the same bytes.
/// </summary>
public sealed class MessageRoundTripTests
{
    public static TheoryData<short, short, bool> AllVersions()
    {
        var data = new TheoryData<short, short, bool>();
        foreach (var api in SupportedApis.All)
        {
            for (var v = api.MinVersion; v <= api.MaxVersion; v++)
            {
                data.Add((short)api.ApiKey, v, false);
                data.Add((short)api.ApiKey, v, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Message_RoundTrips_WithEveryFieldSet(short apiKey, short version, bool response)
    {
        var api = SupportedApis.Find((ApiKey)apiKey)!;
        var factory = response ? api.CreateResponse : api.CreateRequest;
        var original = new MessageFiller(seed: apiKey * 100 + version).Fill(factory());

        var bytes = Encode(original, version);
        var reader = new KafkaReader(bytes.AsMemory());
        var decoded = factory();
        decoded.ReadFrom(ref reader, version);
        Assert.Equal(0, reader.Remaining);

        var defaults = factory();
        var difference = MessageFiller.FirstDifference(original, decoded, (field, value) => IsDefaultOf(field, value, defaults));
        Assert.True(difference is null, $"{api.ApiKey} v{version} {(response ? "response" : "request")}: field {difference} did not survive");
        Assert.Equal(bytes, Encode(decoded, version));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Message_Truncated_ThrowsProtocolException(short apiKey, short version, bool response)
    {
        var api = SupportedApis.Find((ApiKey)apiKey)!;
        var factory = response ? api.CreateResponse : api.CreateRequest;
        var bytes = Encode(new MessageFiller(seed: apiKey).Fill(factory()), version);
        for (var cut = 0; cut < bytes.Length; cut += Math.Max(1, bytes.Length / 16))
        {
            var prefix = bytes.AsMemory(0, cut);
            Assert.Throws<ProtocolException>(() =>
            {
                var reader = new KafkaReader(prefix);
                factory().ReadFrom(ref reader, version);
            });
        }
    }

    [Fact]
    public void EveryField_IsCarried_ByAtLeastOneSupportedVersion()
    {
        foreach (var api in SupportedApis.All)
        {
            foreach (var factory in new[] { api.CreateRequest, api.CreateResponse })
            {
                var carried = new HashSet<string>();
                var all = new HashSet<string>();
                for (var v = api.MinVersion; v <= api.MaxVersion; v++)
                {
                    var original = new MessageFiller(seed: v).Fill(factory());
                    var reader = new KafkaReader(Encode(original, v).AsMemory());
                    var decoded = factory();
                    decoded.ReadFrom(ref reader, v);
                    CollectCarried(original, decoded, "", carried, all);
                }

                all.ExceptWith(carried);
                Assert.True(all.Count == 0, $"{api.ApiKey} {factory().GetType().Name}: never carried: {string.Join(", ", all)}");
            }
        }
    }

    [Fact]
    public void Versions_OutsideTheRange_AreRefused()
    {
        foreach (var api in SupportedApis.All)
        {
            using var writer = new KafkaWriter();
            Assert.Throws<ProtocolException>(() => api.CreateRequest().Write(writer, (short)(api.MaxVersion + 1)));
            Assert.Throws<ProtocolException>(() =>
            {
                var reader = new KafkaReader(new byte[64].AsMemory());
                api.CreateResponse().ReadFrom(ref reader, (short)(api.MinVersion - 1));
            });
        }
    }

    internal static byte[] Encode(KafkaMessage message, short version)
    {
        using var writer = new KafkaWriter();
        message.Write(writer, version);
        return writer.WrittenSpan.ToArray();
    }

    internal static T Decode<T>(byte[] bytes, short version)
        where T : KafkaMessage<T>, new()
    {
        var reader = new KafkaReader(bytes.AsMemory());
        var message = KafkaMessage<T>.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return message;
    }

    private static bool IsDefaultOf(FieldInfo field, object? value, KafkaMessage defaults)
    {
        var owner = field.DeclaringType!;
        var fresh = owner.IsInstanceOfType(defaults) ? defaults : Activator.CreateInstance(owner)!;
        return MessageFiller.FirstDifference(field.GetValue(fresh), value, (_, _) => false) is null;
    }

    private static void CollectCarried(object original, object decoded, string path, HashSet<string> carried, HashSet<string> all)
    {
        foreach (var field in MessageFiller.Fields(original.GetType()))
        {
            var name = path + "." + field.Name;
            all.Add(name);
            var expected = field.GetValue(original);
            var actual = field.GetValue(decoded);
            // Containers count as carried when their elements arrive; their leaves are checked one by one.
            var sameShape = expected is System.Collections.IList { Count: > 0 } e && e[0] is KafkaStruct
                ? actual is System.Collections.IList a2 && a2.Count == e.Count
                : MessageFiller.FirstDifference(expected, actual, (_, _) => false) is null;
            if (sameShape)
                carried.Add(name);
            if (expected is KafkaStruct s && actual is KafkaStruct a)
                CollectCarried(s, a, name, carried, all);
            else if (expected is System.Collections.IList { Count: > 0 } list && list[0] is KafkaStruct first
                && actual is System.Collections.IList { Count: > 0 } other && other[0] is KafkaStruct otherFirst)
                CollectCarried(first, otherFirst, name, carried, all);
        }
    }
}

namespace FastLog.Protocol;

/// <summary>
/// A request or response body of one API. <see cref="Write"/> and <see cref="ReadFrom"/> check the
/// version against <see cref="SupportedApis"/> (outside the range: <see cref="ProtocolException"/>)
/// and pick the flexible (compact, tagged) encoding from the API's first flexible version.
/// </summary>
public abstract class KafkaMessage : KafkaStruct
{
    public abstract ApiKey ApiKey { get; }

    public void Write(KafkaWriter writer, short version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var codec = KafkaCodec.ForWriting(writer, version, SupportedApis.IsFlexibleChecked(ApiKey, version));
        MapAll(ref codec);
    }

    public void ReadFrom(ref KafkaReader reader, short version)
    {
        var codec = KafkaCodec.ForReading(reader, version, SupportedApis.IsFlexibleChecked(ApiKey, version));
        MapAll(ref codec);
        reader = codec.Reader;
    }
}

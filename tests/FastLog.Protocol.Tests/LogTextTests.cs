namespace FastLog.Protocol.Tests;

/// <summary>Client-supplied text is written to logs escaped and capped, so a client cannot forge log lines.</summary>
public sealed class LogTextTests
{
    [Fact]
    public void PlainText_IsKeptAsIs() => Assert.Equal("rdkafka-producer-1", LogText.Sanitize("rdkafka-producer-1"));

    [Fact]
    public void ControlCharacters_AreEscaped()
    {
        Assert.Equal(@"a\x0Ab\x1B[31m\x00\u2028", LogText.Sanitize("a\nb\u001b[31m\0\u2028"));
        Assert.Equal("(null)", LogText.Sanitize(null));
    }

    [Fact]
    public void LongText_IsCut_SayingHowMuchWasLeftOut()
    {
        var sanitized = LogText.Sanitize(new string('x', 1000));
        Assert.StartsWith(new string('x', LogText.MaxClientIdLength) + "...(", sanitized, StringComparison.Ordinal);
        Assert.EndsWith("(872 more characters)", sanitized, StringComparison.Ordinal);
    }

    [Fact]
    public void ACutThroughASurrogatePair_LeavesNoLoneSurrogate()
    {
        var sanitized = LogText.Sanitize(new string('x', LogText.MaxClientIdLength - 1) + "😀");
        Assert.DoesNotContain(sanitized, char.IsSurrogate);
    }
}

using System.Text;

namespace FastLog.Protocol;

/// <summary>
/// Makes client-supplied text (client.id, group and member ids, names inside a malformed request's
/// reason) safe to write to a log: control characters and line breaks are escaped, so a client
/// cannot forge log lines or send terminal escape sequences to an operator's screen, and the length
/// is capped. It lives with the codec because every such string arrives through it.
/// </summary>
public static class LogText
{
    /// <summary>Longest client.id written to a log (Kafka's client ids are short; longer is a misbehaving client).</summary>
    public const int MaxClientIdLength = 128;

    /// <summary><paramref name="text"/> with control characters as \xNN (\uNNNN above 0xFF), cut at <paramref name="maxLength"/> characters.</summary>
    public static string Sanitize(string? text, int maxLength = MaxClientIdLength)
    {
        if (text is null)
        {
            return "(null)";
        }

        var cut = text.Length > maxLength;
        var kept = cut ? text.AsSpan(0, maxLength) : text.AsSpan();
        if (!cut && !ContainsControl(kept))
        {
            return text;
        }

        var escaped = new StringBuilder(kept.Length + 16);
        foreach (var c in kept)
        {
            if (IsControl(c))
            {
                escaped.Append(c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        if (cut)
        {
            escaped.Append($"...({text.Length - maxLength} more characters)");
        }

        return escaped.ToString();
    }

    private static bool ContainsControl(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    // C0, DEL and C1 controls, plus the Unicode line and paragraph separators and lone surrogates a log viewer may mangle.
    private static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c);
}

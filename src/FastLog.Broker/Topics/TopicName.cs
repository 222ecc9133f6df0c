namespace FastLog.Broker.Topics;

/// <summary>Kafka's topic name rules: 1-249 characters of [a-zA-Z0-9._-], and not "." or "..".</summary>
public static class TopicName
{
    public const int MaxLength = 249;

    public static bool IsValid(string? name, out string? problem)
    {
        problem = name switch
        {
            null or "" => "Topic name is empty",
            "." or ".." => $"Topic name cannot be '{name}'",
            { Length: > MaxLength } => $"Topic name is longer than {MaxLength} characters",
            _ when !name.All(IsLegal) => $"Topic name '{name}' has characters other than ASCII letters, digits, '.', '_' and '-'",
            _ => null,
        };
        return problem is null;
    }

    /// <summary>Names starting with "__" are internal (consumer offsets and friends).</summary>
    public static bool IsInternal(string name) => name.StartsWith("__", StringComparison.Ordinal);

    private static bool IsLegal(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}

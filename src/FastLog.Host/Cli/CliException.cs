using System.Text;
using FastLog.Protocol;

namespace FastLog.Host.Cli;

/// <summary>A topic command that cannot complete: the message is printed after "fastlog: " and the command exits with 1.</summary>
internal sealed class CliException(string message) : Exception(message)
{
    /// <summary>A refusal by the broker, named as Kafka names the error (TOPIC_ALREADY_EXISTS) with the broker's message.</summary>
    public static CliException Refused(string what, ErrorCode error, string? message) =>
        new($"{what}: {KafkaName(error)}{(string.IsNullOrEmpty(message) ? "" : $" ({message})")}");

    /// <summary>Kafka's constant name of an error code (ErrorCode.UnknownTopicOrPartition -> UNKNOWN_TOPIC_OR_PARTITION).</summary>
    public static string KafkaName(ErrorCode error)
    {
        var name = error.ToString();
        var result = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsAsciiLetterUpper(name[i]))
            {
                result.Append('_');
            }

            result.Append(char.ToUpperInvariant(name[i]));
        }

        return result.ToString();
    }
}

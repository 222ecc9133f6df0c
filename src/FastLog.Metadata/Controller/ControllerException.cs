namespace FastLog.Metadata.Controller;

/// <summary>A change the controller refused, with the reason a client is told.</summary>
public sealed class ControllerException(ControllerError error, string message) : Exception(message)
{
    public ControllerError Error { get; } = error;
}

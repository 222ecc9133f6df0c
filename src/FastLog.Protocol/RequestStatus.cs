namespace FastLog.Protocol;

/// <summary>What <see cref="RequestFrame.Decode"/> made of a frame's header.</summary>
public enum RequestStatus
{
    /// <summary>Header and body decoded.</summary>
    Ok,

    /// <summary>An API key this codec does not implement; Kafka closes the connection.</summary>
    UnknownApiKey,

    /// <summary>
    /// A known API at a version outside its range; the body is not parsed. For ApiVersions the
    /// broker answers <see cref="ApiVersionsResponse.ForUnsupportedVersion"/> in v0; for any
    /// other API Kafka closes the connection.
    /// </summary>
    UnsupportedVersion,
}

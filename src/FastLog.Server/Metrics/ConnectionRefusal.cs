namespace FastLog.Server.Metrics;

/// <summary>Why a just-accepted connection was closed at once (the label of fastlog_connections_refused_total).</summary>
internal enum ConnectionRefusal
{
    /// <summary>max.connections reached.</summary>
    MaxConnections,

    /// <summary>max.connections.per.ip (or its override for the address) reached.</summary>
    MaxConnectionsPerIp,

    /// <summary>Holding it could leave fewer free file descriptors than fastlog.fd.reserve.</summary>
    DescriptorReserve,
}

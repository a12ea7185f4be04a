import NIOCore

/// What a door knows about a connection when it is accepted.
public struct ConnectionInfo: Sendable {
    /// The client's IP address as text (`127.0.0.1`, `::1`).
    public let remoteIP: String
    /// Connections from the machine itself may authenticate without TLS (SPEC M2, M5).
    public let isLoopback: Bool
    public let localPort: Int
    /// TLS from the first byte (an implicit-TLS port).
    public let isTLS: Bool

    public init(remoteIP: String, isLoopback: Bool, localPort: Int, isTLS: Bool) {
        self.remoteIP = remoteIP
        self.isLoopback = isLoopback
        self.localPort = localPort
        self.isTLS = isTLS
    }

    /// - Parameter clientIP: the client a load balancer's PROXY header named, instead of the peer.
    init(channel: any Channel, isTLS: Bool, clientIP: String? = nil) {
        self.remoteIP = clientIP ?? channel.remoteAddress?.ipAddress ?? "unknown"
        self.isLoopback = Self.isLoopback(remoteIP)
        self.localPort = channel.localAddress?.port ?? 0
        self.isTLS = isTLS
    }

    static func isLoopback(_ ip: String) -> Bool {
        ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}

/// Fired into every connection's pipeline when the server begins a graceful shutdown
/// (pipeline doors; session doors see ``InboundEvent/shutdown`` instead): finish what is in
/// flight, say goodbye and close.
public struct DoorShutdownEvent: Sendable {
    public init() {}
}

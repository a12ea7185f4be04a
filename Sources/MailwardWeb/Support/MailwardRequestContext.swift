import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's basics plus the client's address, which
/// sign-in throttling, code caps and the audit log need.
public struct MailwardRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The client's IP as text (`unknown` for exotic transports): the connection's peer, or
    /// the client a trusted proxy forwarded the request for (``ClientAddressMiddleware``).
    var clientIP: String
    /// Whether the request came through a trusted proxy.
    var viaProxy = false
    /// Whether a trusted proxy says the client spoke HTTPS to it (its cookies are then `Secure`).
    var viaHTTPS = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        clientIP = remoteAddress?.ipAddress ?? "unknown"
    }
}

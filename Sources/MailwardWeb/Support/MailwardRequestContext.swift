import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's basics plus the client's address, which
/// sign-in throttling, code caps and the audit log need.
public struct MailwardRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP as text (`unknown` for exotic transports).
    var clientIP: String { remoteAddress?.ipAddress ?? "unknown" }
}

import Foundation
import NIOCore
import NIOPosix

/// Why a connection to a next hop failed, in words for people: bounces and `mailward queue list`
/// show it. NIO's own descriptions read `Connection errors: SingleConnectionFailure(target:
/// [IPv4]…, error: connection reset (error set): Connection refused) (errno: 111))`.
enum ConnectFailure {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "the host name does not resolve" }
            guard let first = error.connectionErrors.first else { return "no address to connect to" }
            return describe(first.error)
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case ChannelError.connectTimeout:
            return "timed out"
        default:
            return "\(error)"
        }
    }
}

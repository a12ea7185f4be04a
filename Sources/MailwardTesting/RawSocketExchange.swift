#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A blocking loopback client for what an event-driven one hides: it writes everything before
/// reading anything (as a client streaming a chunk does) and tells an orderly end of the stream
/// from a reset.
public enum RawSocketExchange {
    public enum Ending: Equatable, Sendable { case endOfStream, reset, timeout, other(Int32) }

    public struct SocketError: Error { public var what: String; public var code: Int32 }

    /// Connects to 127.0.0.1:`port`, reads the greeting, sends `bytes` (as far as the server
    /// takes them) — then with `halfClose` ends its own side (`shutdown(SHUT_WR)`, as a client
    /// does that has nothing more to say but waits for the answers) —, waits `pause`, then reads
    /// until the server ends the connection (30 s at most).
    /// On a thread of its own: the blocking calls must not hold one of Swift concurrency's few
    /// threads, which the server's sessions (a task each, for IMAP and POP3) need to answer.
    public static func run(port: Int, send bytes: [UInt8], halfClose: Bool = false,
                           pause: Duration = .zero) async throws -> (received: [UInt8], ending: Ending) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try exchange(port: port, send: bytes, halfClose: halfClose, pause: pause) })
            }.start()
        }
    }

    private static func exchange(port: Int, send bytes: [UInt8], halfClose: Bool,
                                 pause: Duration) throws -> (received: [UInt8], ending: Ending) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(what: "socket", code: errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard LoopbackAddress.connect(fd, port: port) == 0 else { throw SocketError(what: "connect", code: errno) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        // The greeting first, so that what follows is an answer to what is sent.
        while !received.contains(0x0A) {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { throw SocketError(what: "greeting", code: errno) }
            received += buffer[0..<count]
        }
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { break }  // the server closed: what it wrote is still to be read
            offset += count
        }
        if halfClose { shutdown(fd, Int32(SHUT_WR)) }
        let (seconds, attoseconds) = pause.components
        usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[0..<count]
                continue
            }
            if count == 0 { return (received, .endOfStream) }
            switch errno {
            case ECONNRESET: return (received, .reset)
            case EAGAIN, EWOULDBLOCK: return (received, .timeout)
            default: return (received, .other(errno))
            }
        }
    }
}

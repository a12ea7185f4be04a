import Foundation
import MailwardTesting
import Testing

/// A body the server answers before reading it (`413` for a declared `Content-Length` over the
/// limit) is read and dropped (`RefusedBodyDrain`), so that a client that writes its whole body
/// before it reads — Python's urllib, which also sends `Connection: close` — gets the answer.
/// Before, with `Connection: close`, the server stopped reading, the client sat blocked on a
/// full socket until its own timeout, and never saw the `413`.
@Suite struct WebRefusedBodyTests {
    /// What a blocking client sees: the status line after it sent the whole body, or what went
    /// wrong. With keep-alive, a second request on the same connection is answered too.
    static func postTooLarge(port: Int, connectionClose: Bool) -> (status: String, next: String?) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard LoopbackAddress.connect(fd, port: port) == 0 else { return ("connect failed", nil) }
        let length = 16 << 20  // more than the kernel's buffers on both sides hold
        let head = "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(length)\r\n" + (connectionClose ? "Connection: close\r\n" : "") + "\r\n"
        guard sendAll(fd, Array(head.utf8)) else { return ("head not sent", nil) }
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        for _ in 0..<(length / piece.count) {
            guard sendAll(fd, piece) else { return ("the server stopped reading the body (errno \(errno))", nil) }
        }
        let first = readResponse(fd)
        guard !connectionClose else { return (first, nil) }
        guard sendAll(fd, Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)) else { return (first, "not sent") }
        return (first, readResponse(fd))
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// The status line of the next response, after reading the whole response's head and body.
    static func readResponse(_ fd: Int32) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if let headEnd = text.range(of: "\r\n\r\n") {
                let lengthLine = text[..<headEnd.lowerBound].split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                let bodyLength = lengthLine.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text[..<headEnd.upperBound].utf8.count >= bodyLength {
                    return text.components(separatedBy: "\r\n")[0]
                }
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return received.isEmpty ? "no answer" : String(decoding: received, as: UTF8.self) }
            received += buffer[..<n]
        }
    }

    @Test(arguments: [true, false])
    func aBodyOverTheLimitIsReadSoTheClientSeesThe413(connectionClose: Bool) async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        let port = server.port
        // On a thread of its own: a blocking client on the cooperative pool would starve the server.
        let (status, next) = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Self.postTooLarge(port: port, connectionClose: connectionClose)) }.start()
        }
        #expect(status == "HTTP/1.1 413 Payload Too Large")
        if !connectionClose {
            #expect(next == "HTTP/1.1 200 OK", "the kept-alive connection answers its next request")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// 127.0.0.1:`port` for tests that use sockets directly (a raw client, a port probe): the
/// `sockaddr_in` and its cast written once.
public enum LoopbackAddress {
    /// `bind(2)` of `fd` to 127.0.0.1:`port` (0: any free port); its result.
    public static func bind(_ fd: Int32, port: Int) -> Int32 {
        withAddress(port: port) { Glibc.bind(fd, $0, $1) }
    }

    /// `connect(2)` of `fd` to 127.0.0.1:`port`; its result.
    public static func connect(_ fd: Int32, port: Int) -> Int32 {
        withAddress(port: port) { Glibc.connect(fd, $0, $1) }
    }

    /// The port `fd` is bound to.
    public static func boundPort(of fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func withAddress(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}

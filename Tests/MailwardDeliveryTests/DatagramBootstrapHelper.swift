import NIOCore
import NIOPosix

/// A bound UDP port that never answers (a name server that is down but not refusing).
enum DatagramBootstrapHelper {
    struct SilentPort {
        let channel: any Channel
        var port: Int { channel.localAddress?.port ?? 0 }
        func close() { channel.close(promise: nil) }
    }

    static func silentPort() async throws -> SilentPort {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        return SilentPort(channel: channel)
    }
}

import MailwardCore
import MailwardNet
import NIOSSL

extension MailwardServer {
    /// The listening socket of one mail door: the configured address and the configured
    /// connection limits (`connections.max`, `connections.max-per-ip`), the same for every door.
    func listenerConfiguration(name: String, port: Int, implicitTLS: NIOSSLContext? = nil,
                               overLimitReply: String) -> TCPListener.Configuration {
        let configuration = runtime.configuration
        var listener = TCPListener.Configuration(
            name: name, host: configuration.listenAddress, port: port, implicitTLS: implicitTLS,
            maxConnections: configuration.connections.max, maxConnectionsPerIP: configuration.connections.maxPerIP,
            overLimitReply: overLimitReply)
        let balancers = configuration.connections.proxyProtocolNetworks.compactMap(IPNetwork.init)
        if !balancers.isEmpty {
            listener.sendsProxyHeader = { peer in balancers.contains(address: peer) }
        }
        return listener
    }
}

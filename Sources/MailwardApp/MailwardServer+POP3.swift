import MailwardNet
import POP3Server
import ServiceLifecycle

extension MailwardServer {
    /// POP3 with STLS (`pop3.port`, 110 in production) and implicit TLS (`pop3.tlsPort`, 995),
    /// one door for both so a maildrop is locked across them.
    func pop3Services() -> [any Service] {
        let configuration = runtime.configuration
        let door = POP3Door(
            configuration: .init(session: .init(hostname: configuration.hostname)),
            authenticator: runtime.authenticator,
            mail: runtime.mail,
            tlsContext: tlsContext,
            logger: logger)
        let overLimit = "-ERR [SYS/TEMP] Too many connections, try again later\r\n"
        let plain = TCPListener(
            configuration: listenerConfiguration(name: "POP3", port: configuration.pop3.port, overLimitReply: overLimit),
            logger: logger,
            onListening: { port in await self.reportListening(.pop3, port) },
            session: { connection in await door.serve(connection) })
        let implicitTLS = TCPListener(
            configuration: listenerConfiguration(name: "POP3S", port: configuration.pop3.tlsPort,
                                                 implicitTLS: tlsContext, overLimitReply: overLimit),
            logger: logger,
            onListening: { port in await self.reportListening(.pop3s, port) },
            session: { connection in await door.serve(connection) })
        return [plain, implicitTLS]
    }
}

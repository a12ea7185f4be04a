import IMAPCodec
import IMAPServer
import MailwardNet
import ServiceLifecycle

extension MailwardServer {
    /// The IMAP door: port 143-style with STARTTLS (`imap.port`) and implicit TLS (`imap.tlsPort`).
    func imapServices() -> [any Service] {
        let configuration = runtime.configuration
        // APPEND takes messages up to the size SMTP does (APPENDLIMIT says so).
        var limits = IMAPDecoderLimits.default
        limits.maxAppendLiteralSize = configuration.smtp.maxMessageSize
        limits.maxCommandSize = configuration.smtp.maxMessageSize + 256 * 1024
        let door = IMAPDoor(
            mail: runtime.mail, shares: runtime.shares, authenticator: runtime.authenticator,
            settings: IMAPDoor.Settings(hostname: configuration.hostname, limits: limits, tlsContext: tlsContext),
            budget: messageBudget, logger: logger)
        let plain = TCPListener(
            configuration: listenerConfiguration(name: "imap", port: configuration.imap.port,
                                                 overLimitReply: IMAPDoor.overLimitReply),
            logger: logger,
            onListening: { port in await self.reportListening(.imap, port) },
            session: { connection in await door.serve(connection) })
        let implicitTLS = TCPListener(
            configuration: listenerConfiguration(name: "imaps", port: configuration.imap.tlsPort,
                                                 implicitTLS: tlsContext, overLimitReply: IMAPDoor.overLimitReply),
            logger: logger,
            onListening: { port in await self.reportListening(.imaps, port) },
            session: { connection in await door.serve(connection) })
        return [plain, implicitTLS]
    }
}

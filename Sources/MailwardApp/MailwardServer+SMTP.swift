import Logging
import MailwardNet
import ServiceLifecycle
import SMTPServer

extension MailwardServer {
    /// The SMTP doors: inbound MX (`smtp.port`), submission with STARTTLS (`smtp.submission-port`)
    /// and submission over implicit TLS (`smtp.submission-tls-port`). One AUTH throttle is
    /// shared by both submission ports.
    func smtpServices() -> [any Service] {
        let configuration = runtime.configuration
        let smtp = configuration.smtp
        let throttle = AuthenticationThrottle()
        var doorLogger = logger
        doorLogger[metadataKey: "door"] = "smtp"
        let backend = CoreSMTPBackend(
            accounts: runtime.accounts, mail: runtime.mail, authenticator: runtime.authenticator,
            shares: runtime.shares, outbound: runtime.outbound, throttle: throttle, hostname: configuration.hostname,
            clock: runtime.clock, filters: runtime.filters, limiter: runtime.sendingLimiter,
            autoResponder: runtime.autoResponder, logger: doorLogger)
        let handler = SMTPConnectionHandler(backend: backend, tlsContext: tlsContext, budget: messageBudget, logger: doorLogger)
        func settings(_ mode: SMTPDoorMode) -> SMTPSessionSettings {
            var settings = SMTPSessionSettings(
                mode: mode, hostname: configuration.hostname, maximumMessageSize: smtp.maxMessageSize,
                maximumRecipients: smtp.maxRecipients, outboundAvailable: runtime.outbound != nil,
                commandTimeout: .seconds(smtp.commandTimeout), dataTimeout: .seconds(smtp.dataTimeout))
            settings.offersDSN = mode == .submission || smtp.mxDSN
            return settings
        }
        let doors: [(Door, String, Int, SMTPDoorMode, Bool)] = [
            (.smtp, "SMTP", smtp.port, .inbound, false),
            (.submission, "Submission", smtp.submissionPort, .submission, false),
            (.submissionTLS, "Submission TLS", smtp.submissionTLSPort, .submission, true),
        ]
        return doors.map { door, name, port, mode, implicitTLS in
            let sessionSettings = settings(mode)
            var listenerSettings = listenerConfiguration(
                name: name, port: port, implicitTLS: implicitTLS ? tlsContext : nil,
                overLimitReply: "421 4.7.0 \(configuration.hostname) Error: too many connections\r\n")
            // Message text comes in reads of 8 KiB and more (one or two for a 10 KB message).
            listenerSettings.minimumReadSize = 8_192
            let listener = TCPListener(
                configuration: listenerSettings,
                logger: logger,
                onListening: { bound in await self.reportListening(door, bound) },
                pipeline: { channel, info, activity in
                    try handler.install(on: channel, info: info, activity: activity, settings: sessionSettings)
                })
            return listener
        }
    }
}

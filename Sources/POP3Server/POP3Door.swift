import Logging
import MailwardCore
import MailwardNet
import NIOCore
import NIOSSL
import POP3Codec

/// The POP3 door (SPEC M5): one ``POP3Session`` per connection, driven over a `MailConnection`
/// by ``POP3ConnectionDriver``. Serve both the STLS port (110) and the implicit-TLS port (995)
/// with the same door so the maildrop lock (`[IN-USE]`) covers both.
public final class POP3Door: Sendable {
    public struct Configuration: Sendable {
        public var session: POP3Session.Configuration
        /// RFC 1939 §3: an autologout timer of at least 10 minutes.
        public var idleTimeout: TimeAmount
        public var decoder: POP3CommandDecoder.Configuration

        public init(session: POP3Session.Configuration, idleTimeout: TimeAmount = .minutes(10),
                    decoder: POP3CommandDecoder.Configuration = .init()) {
            self.session = session
            self.idleTimeout = idleTimeout
            self.decoder = decoder
        }
    }

    let configuration: Configuration
    let authenticator: ProtocolAuthenticator
    let mail: MailService
    /// For STLS; nil means STLS is not offered.
    let tlsContext: NIOSSLContext?
    let logger: Logger
    let locks = POP3MaildropLocks()

    public init(configuration: Configuration, authenticator: ProtocolAuthenticator, mail: MailService,
                tlsContext: NIOSSLContext?, logger: Logger) {
        var configuration = configuration
        configuration.session.tlsAvailable = configuration.session.tlsAvailable && tlsContext != nil
        self.configuration = configuration
        self.authenticator = authenticator
        self.mail = mail
        self.tlsContext = tlsContext
        self.logger = logger
    }

    /// Runs one session until it ends (a `TCPListener` session closure).
    public func serve(_ connection: MailConnection) async {
        var driver = POP3ConnectionDriver(door: self, connection: connection)
        await driver.run()
    }

    /// Maildrops locked by live sessions (for tests and metrics).
    public var lockedMaildrops: Int { locks.count }
}

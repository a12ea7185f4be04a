import Logging
import MailwardNet
import ServiceLifecycle
import UnixSignals

/// On SIGHUP, reads the TLS certificate and key files again (`ServerCertificate.reload`): new
/// connections get the renewed certificate, open ones keep theirs; a pair that cannot be used
/// is reported and the old one stays. Without it SIGHUP ended the process — and `systemctl
/// reload` in a certbot renewal hook with it.
struct CertificateReloader: Service {
    let certificate: ServerCertificate
    /// The name clients connect to (`hostname`): a renewed certificate is checked against it.
    let hostname: String
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            do {
                try certificate.reload()
                logger.info("TLS certificate read again", metadata: ["certificate": "\(certificate.certificatePath)"])
                for warning in certificate.warnings(hostname: hostname) { logger.warning("\(warning)") }
            } catch {
                logger.error("TLS certificate not changed: the new files cannot be used", metadata: ["error": "\(error)"])
            }
        }
    }
}

import MailwardNet
import ServiceLifecycle

/// The web door's application as a service whose failure to listen names the door and its
/// address, like the mail doors' (``ListenError``).
struct HTTPListenerService<Base: Service>: Service {
    let application: Base
    let host: String
    let port: Int

    func run() async throws {
        do {
            try await application.run()
        } catch where ListenError.isBindFailure(error) {
            throw ListenError(error, door: "HTTP", host: host, port: port)
        }
    }
}

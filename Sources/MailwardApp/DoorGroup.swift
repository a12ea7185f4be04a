import ServiceLifecycle

/// The doors (HTTP and every mail listener) as one service, so that a graceful shutdown reaches
/// them all at once: each stops accepting at the same moment and their sessions finish side by
/// side. In the server's `ServiceGroup` each would stop only after the one behind it had
/// finished — while IMAP waited out its grace for a client mid-command, the SMTP, POP3 and web
/// doors still took new connections, and the shutdown lasted the sum of the doors' graces.
struct DoorGroup: Service {
    let doors: [any Service]

    func run() async throws {
        // Child tasks inherit the graceful-shutdown handler's task local, so every door hears
        // the shutdown; the first door to fail ends the others (and the server) as before.
        try await withThrowingDiscardingTaskGroup { group in
            for door in doors {
                group.addTask { try await door.run() }
            }
        }
    }
}

import IMAPCodec
import MailwardCore
import MailwardNet
import NIOCore

/// IDLE (RFC 2177): the client waits; deliveries and other sessions' changes to the selected
/// mailbox (`MailService.events`) are announced at once, until the client sends `DONE`.
extension IMAPSession {
    /// What wakes an idling session.
    enum IdleWake: Sendable {
        case input(InboundEvent)
        case mailboxChanged
    }

    func idle() async -> StatusResponse? {
        let (wakes, wake) = AsyncStream<IdleWake>.makeStream(bufferingPolicy: .unbounded)
        // Subscribe before announcing, so no change between the refresh and the wait is lost.
        var watcher: Task<Void, Never>?
        if let mailboxID = state.selected?.mailboxID {
            let changes = mail.events.subscribe(mailboxID)
            watcher = Task {
                for await _ in changes { wake.yield(.mailboxChanged) }
            }
        }
        defer {
            watcher?.cancel()
            wake.finish()
        }
        send(.continuation("idling"))
        decoder.expectIdleDone()
        if state.phase == .selected { await announceChanges(includeExpunges: true) }
        await flush()

        let connection = self.connection
        let timeout = door.settings.idleTimeout
        func startRead() {
            Task {
                wake.yield(.input(await connection.read(timeout: timeout)))
            }
        }
        // Bytes that arrived with the IDLE command itself (a pipelined DONE).
        if inbound.readableBytes == 0 {
            inbound = ByteBuffer()  // an idling session keeps no input storage
            startRead()
        }
        var pendingCheck = inbound.readableBytes > 0
        var revoked = false
        var iterator = wakes.makeAsyncIterator()
        while !finished {
            if pendingCheck {
                pendingCheck = false
                switch decoder.next(&inbound) {
                case .idleDone:
                    if revoked { return StatusResponse(.no, code: .noPerm, text: "Access to the shared mailbox was revoked by its owner") }
                    return ok("IDLE terminated")
                case .needMoreData:
                    startRead()
                    continue
                case .error(let error):
                    return StatusResponse(.bad, text: error.description)
                default:
                    return StatusResponse(.bad, text: "Expected DONE")
                }
            }
            guard let next = await iterator.next() else { return nil }
            switch next {
            case .mailboxChanged:
                // A colleague's mailbox: asked again before telling anything (a revoke shows nothing more).
                if await stillSharedWithSession() {
                    await announceChanges(includeExpunges: true)
                } else {
                    revoked = true
                    closeRevokedMailbox()
                }
                await flush()
            case .input(.data(let bytes)):
                var bytes = bytes
                inbound.writeBuffer(&bytes)
                pendingCheck = true
            case .input(.closed):
                finished = true
            case .input(.timeout):
                bye("Autologout; idle for too long")
            case .input(.shutdown):
                bye("Server shutting down")
            }
        }
        return nil
    }

    /// Whether the selected mailbox may still be viewed (always for the session's own).
    func stillSharedWithSession() async -> Bool {
        guard let selected = state.selected else { return false }
        guard selected.ownerID != accountID else { return true }
        do {
            selectedAccess = try await door.shares.access(of: accountID, to: selected.ownerID)
            return AccessPolicy.allows(selectedAccess, .view)
        } catch {
            logger.warning("IMAP share check failed during IDLE", metadata: ["error": "\(error)"])
            return false
        }
    }
}

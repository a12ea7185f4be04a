import IMAPCodec
import MailwardCore
import MailwardNet
import NIOCore

/// IDLE (RFC 2177): the client waits; deliveries and other sessions' changes to the selected
/// mailbox (`MailService.events`) are announced at once, until the client sends `DONE`.
///
/// An idling session costs no task of its own: the IDLE command registers a watch that only
/// wakes the connection (`MailConnection.wake()`), answers `+ idling` and returns; the session's
/// ordinary read loop then waits for the client's `DONE` and for wakes alike (thousands of
/// phones sit in IDLE all day, and each must stay small).
extension IMAPSession {
    /// An IDLE in progress: the tag to answer at `DONE`, the watch on the selected mailbox, and
    /// whether the owner revoked access meanwhile (the answer is then `NO [NOPERM]`).
    struct IdleState {
        let tag: String
        var observation: MailboxObservation?
        var revoked = false
        /// When the IDLE began: the autologout counts from here (RFC 2177: clients renew an IDLE
        /// within 29 minutes), however many keepalives were sent.
        let began = NIODeadline.now()
    }

    /// The IDLE command: watch, answer the continuation, announce what is pending. The tagged
    /// answer comes from ``endIdle(_:)`` when `DONE` arrives.
    func startIdle(tag: String) async -> StatusResponse? {
        // Watch before announcing, so no change between the refresh and the wait is lost.
        let connection = self.connection
        let observation = state.selected.map { selected in
            mail.events.observe(selected.mailboxID) { _ in connection.wake() }
        }
        idling = IdleState(tag: tag, observation: observation)
        send(.continuation("idling"))
        decoder.expectIdleDone()
        if state.phase == .selected { await announceChanges(includeExpunges: true) }
        return nil
    }

    /// What the decoder said while idling: `DONE` ends the IDLE, anything else ends it with `BAD`.
    /// Returns false when more bytes are needed.
    func handleIdleInput(_ decoded: IMAPDecodeResult) -> Bool {
        guard let idle = idling else { return true }
        switch decoded {
        case .needMoreData:
            return false
        case .idleDone:
            endIdle(idle.revoked ? StatusResponse(.no, code: .noPerm, text: "The shared mailbox is no longer shared with you (revoked, or its time ran out)")
                                 : ok("IDLE terminated"))
        case .error(let error):
            endIdle(StatusResponse(.bad, text: error.description))
        default:
            endIdle(StatusResponse(.bad, text: "Expected DONE"))
        }
        return true
    }

    func endIdle(_ status: StatusResponse) {
        guard let idle = idling else { return }
        idle.observation?.cancel()
        idling = nil
        send(.tagged(tag: idle.tag, status))
    }

    /// The watched mailbox changed while idling: tell the client (a colleague's mailbox is asked
    /// again first — after a revoke nothing more is shown).
    func announceWhileIdle() async {
        guard let idle = idling, !idle.revoked else { return }
        // An idling client sends no command for up to half an hour: a changed password or a
        // disabled account must not keep hearing of new mail meanwhile. A store that cannot
        // answer now changes nothing.
        if (try? await endedForRevokedCredential()) == true {
            idling?.observation?.cancel()
            idling = nil
            return
        }
        if await stillSharedWithSession() {
            await announceChanges(includeExpunges: true)
        } else {
            idling?.revoked = true
            idling?.observation?.cancel()
            idling?.observation = nil
            closeRevokedMailbox()
        }
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

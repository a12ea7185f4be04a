import Foundation
import IMAPCodec
import Logging
import MailwardCore
import MailwardNet
import NIOCore

/// The glue of one IMAP connection: reads bytes, frames commands with `IMAPCommandDecoder`,
/// asks ``IMAPSessionState`` whether a command may run, runs it against Core, and writes the
/// encoded responses.
///
/// An actor so that each command can run on a short-lived task of its own (``processBuffered()``)
/// while the session's long-lived task only reads and frames: the Swift runtime keeps a task's
/// async-frame slabs until the task ends, so a session task that once went deep (LOGIN's
/// credential check, SELECT, FETCH) would hold that high-water mark — about 20 KiB — for as long
/// as the client stays connected. Only one task at a time works on a session: the reading task
/// waits for each command's task.
actor IMAPSession {
    let door: IMAPDoor
    let connection: MailConnection
    var state: IMAPSessionState
    var decoder: IMAPCommandDecoder
    var encoder = IMAPResponseEncoder()
    /// Bytes received and not yet consumed by the decoder.
    var inbound = ByteBuffer()
    /// Responses not yet written.
    var outbound = ByteBuffer()
    /// Set when the session must end (logout, BYE, connection gone).
    var finished = false
    /// Bad commands in a row; a client that only sends garbage is disconnected.
    var consecutiveErrors = 0
    /// What the session may do in the selected mailbox, asked of `ShareService` again at the
    /// start of every command (`.owner` for the session's own folders).
    var selectedAccess: AccessPolicy.Access = .owner
    /// Set between IDLE and DONE (see IMAPSession+Idle).
    var idling: IdleState?
    /// The server is stopping while a command was still arriving (an APPEND's literal): it is
    /// read and run first, then the session says BYE — as an SMTP DATA in progress finishes.
    var shuttingDown = false
    /// What this session holds of the doors' ``MessageMemoryBudget`` for input (see ``budgetInput()``).
    let inputReservation: MemoryReservation
    /// By when the session must have logged in (``IMAPDoor/Settings/loginDeadline``).
    let loginDeadline: NIODeadline
    /// By when the literal under way must be complete (``IMAPDoor/Settings/maximumLiteralTransferTime``),
    /// however steadily it trickles in.
    var literalDeadline = InputDeadline()
    /// How long a command still arriving at shutdown may take.
    static let shutdownGrace = TimeAmount.seconds(60)

    var mail: MailService { door.mail }
    var store: any MailStore { door.mail.store }
    var logger: Logger { door.logger }

    init(door: IMAPDoor, connection: MailConnection) {
        self.door = door
        self.connection = connection
        state = IMAPSessionState(isTLS: connection.isTLS, isLoopback: connection.isLoopback,
                                 appendLimit: door.settings.limits.maxAppendLiteralSize)
        decoder = IMAPCommandDecoder(limits: Self.preAuthLimits(door.settings.limits))
        inputReservation = MemoryReservation(budget: door.budget)
        loginDeadline = .now() + door.settings.loginDeadline
    }

    /// Before login nobody may make the server hold a 50 MiB APPEND: literals stay as small as
    /// user names and passwords need (LITERAL+ literals cannot be refused, only bounded).
    static func preAuthLimits(_ limits: IMAPDecoderLimits) -> IMAPDecoderLimits {
        var small = limits
        small.maxAppendLiteralSize = min(limits.maxAppendLiteralSize, limits.maxOtherLiteralSize)
        small.maxCommandSize = min(limits.maxCommandSize, limits.maxOtherCommandSize)
        return small
    }

    var readTimeout: TimeAmount {
        // A literal under way (an APPEND's message) must keep coming, as SMTP's DATA must.
        if decoder.awaitedCommandLength > 0 {
            let pause = min(door.settings.literalTimeout, state.phase == .notAuthenticated ? door.settings.preAuthTimeout : door.settings.idleTimeout)
            guard let whole = literalDeadline.moment else { return pause }
            return max(.seconds(1), min(pause, whole - .now()))
        }
        if let idle = idling {
            // Woken for the keepalive in between; the autologout still counts from the IDLE.
            return min(door.settings.idleKeepalive, max(.seconds(1), idle.began + door.settings.idleTimeout - .now()))
        }
        guard state.phase == .notAuthenticated else { return door.settings.idleTimeout }
        // At least a second: the read's timeout is also the deadline of the BYE written after it.
        return max(.seconds(1), min(door.settings.preAuthTimeout, loginDeadline - .now()))
    }

    func run() async {
        send(.untagged(.status(StatusResponse(.ok, code: .capability(state.capabilities),
                                              text: "\(door.settings.hostname) Mailward IMAP ready"))))
        await flush()
        while !finished {
            await processBuffered()
            await flush()
            if finished { break }
            if shuttingDown && inbound.readableBytes == 0 {
                bye("Server shutting down")
                break
            }
            guard await readMore() else { break }
        }
        await flush()
        idling?.observation?.cancel()
        inputReservation.release()
    }

    /// Decodes and runs every complete command in the buffer.
    func processBuffered() async {
        while !finished {
            // What arrived of a literal is counted before it is decoded (the read that completes
            // it too); a literal sent without waiting (LITERAL+) that the server cannot hold is
            // dropped as it comes.
            if !budgetInput(), decoder.awaitedCommandLength > 0 {
                refuseForMemory(decoder.abandonCommand(&inbound))
                continue
            }
            let decoded = decoder.next(&inbound)
            if idling != nil, handleIdleInput(decoded) { continue }
            switch decoded {
            case .needMoreData:
                if inbound.readableBytes == 0 {
                    // Nothing pending: drop the storage, so a session sitting in IDLE holds no
                    // buffer (the decoder's progress is relative to the reader index).
                    inbound = ByteBuffer()
                } else if inbound.readerIndex > 64 * 1024 {
                    inbound.discardReadBytes()
                }
                return
            case .command(let command):
                consecutiveErrors = 0
                await Task { await self.execute(command) }.value
            case .continuationNeeded(let tag):
                guard inputReservation.couldCover(decoder.awaitedCommandLength) else {
                    decoder.rejectContinuation(&inbound)
                    refuseForMemory(tag)
                    continue
                }
                send(.continuation("Ready for literal data"))
                await flush()
            case .error(let error):
                badInput(error)
            case .idleDone:
                send(.untagged(.status(StatusResponse(.bad, text: "DONE without IDLE"))))
            case .authenticateResponse:
                send(.untagged(.status(StatusResponse(.bad, text: "Unexpected authentication data"))))
            }
        }
    }

    /// Holds budget for the input this session keeps: the part of a command received so far. A
    /// literal is invited only when the budget could hold it whole (``MemoryReservation/couldCover(_:)``),
    /// and taken from it as it arrives, so a client that announces 50 MiB and sends nothing holds
    /// nothing. The first ``MessageMemoryBudget/step`` is free and every command but APPEND is
    /// bounded below it (`maxOtherCommandSize`), so only APPEND's literals take from the budget
    /// shared with the other doors. False when the budget cannot cover what arrived; after the
    /// command has run, what it held goes back.
    func budgetInput() -> Bool {
        inputReservation.cover(inbound.readableBytes)
    }

    /// The answer to an APPEND the server has no memory for now: the client may try again later.
    func refuseForMemory(_ tag: String?) {
        logger.warning("IMAP APPEND refused: the message memory budget is used up",
                       metadata: ["budget": "\(door.budget.limit)", "reserved": "\(door.budget.reserved)"])
        let status = StatusResponse(.no, code: .unavailable, text: "Server busy receiving other messages, try again later")
        if let tag {
            send(.tagged(tag: tag, status))
        } else {
            send(.untagged(.status(status)))
        }
    }

    func badInput(_ error: IMAPDecodeError) {
        consecutiveErrors += 1
        let status = StatusResponse(error.isTooBig ? .no : .bad, code: error.isTooBig ? .tooBig : nil, text: error.description)
        if let tag = error.tag {
            send(.tagged(tag: tag, status))
        } else {
            send(.untagged(.status(status)))
        }
        if consecutiveErrors >= 20 {
            bye("Too many bad commands")
        }
    }

    /// Reads the next event into `inbound`; false when the session is over (and says why).
    func readMore() async -> Bool {
        if state.phase == .notAuthenticated, NIODeadline.now() >= loginDeadline {
            bye("Autologout; too long without logging in")
            await flush()
            return false
        }
        if decoder.awaitedCommandLength > 0 {
            guard NIODeadline.now() < literalDeadline.start(within: door.settings.maximumLiteralTransferTime) else {
                bye("Literal data took too long to arrive")
                await flush()
                return false
            }
        } else {
            literalDeadline.end()
        }
        switch await connection.read(timeout: shuttingDown ? min(readTimeout, Self.shutdownGrace) : readTimeout) {
        case .data(let bytes):
            var bytes = bytes
            inbound.writeBuffer(&bytes)
            return true
        case .closed:
            finished = true
            return false
        case .timeout:
            if let idle = idling, !shuttingDown, NIODeadline.now() < idle.began + door.settings.idleTimeout {
                send(.untagged(.status(StatusResponse(.ok, text: "Still here"))))
                await flush()
                return !finished
            }
            if let whole = literalDeadline.moment, NIODeadline.now() >= whole {
                bye("Literal data took too long to arrive")
            } else {
                bye(state.phase == .notAuthenticated && NIODeadline.now() >= loginDeadline
                    ? "Autologout; too long without logging in" : "Autologout; idle for too long")
            }
            await flush()
            return false
        case .shutdown:
            if inbound.readableBytes > 0 && idling == nil {
                shuttingDown = true
                return true
            }
            bye("Server shutting down")
            await flush()
            return false
        case .wake:
            // On a task of its own, like a command (the announcement reads the store).
            if idling != nil { await Task { await self.announceWhileIdle() }.value }
            return true
        }
    }

    /// Ends the session (BYE) when the credential it was opened with no longer holds — password
    /// changed, account disabled, client-specific password deleted (SPEC A13). Asked before every
    /// command and, while idling, before announcing a change. Throws when the store cannot tell.
    func endedForRevokedCredential() async throws -> Bool {
        guard let login = state.login,
              let revocation = try await door.authenticator.revocation(of: login.credential, account: login.account) else { return false }
        bye("Your credentials are no longer valid: " + revocation.text)
        return true
    }

    // MARK: Commands

    func execute(_ tagged: TaggedCommand) async {
        let tag = tagged.tag
        if state.phase != .logout {
            do {
                if try await endedForRevokedCredential() { return }
            } catch {
                // Cannot tell now (the store is away): this command fails, the session goes on.
                send(.tagged(tag: tag, failureStatus(error, "IMAP credential check failed")))
                return
            }
        }
        // Before `admit`, so a grantee's refused STORE says NOPERM rather than READ-ONLY.
        if state.phase == .selected {
            do {
                if let refusal = try await recheckSelectedAccess(for: tagged.command) {
                    send(.tagged(tag: tag, refusal))
                    return
                }
            } catch {
                send(.tagged(tag: tag, failureStatus(error, "IMAP share check failed")))
                return
            }
        }
        if case .refuse(let status) = state.admit(tagged.command) {
            send(.tagged(tag: tag, status))
            return
        }
        let status: StatusResponse?
        do {
            status = try await dispatch(tagged)
        } catch let error as MailError {
            status = Self.status(for: error)
        } catch let error as ShareError {
            status = Self.status(for: error)
        } catch let refusal as IMAPRefusal {
            status = refusal.status
        } catch {
            status = failureStatus(error, "IMAP command failed")
        }
        guard let status, !finished else { return }
        if state.phase == .selected, Self.mayAnnounce(after: tagged.command) {
            await announceChanges(includeExpunges: Self.mayAnnounceExpunges(after: tagged.command))
            // The selected mailbox was deleted meanwhile: BYE said it all, no tagged answer follows.
            if finished { return }
        }
        send(.tagged(tag: tag, status))
        if state.phase == .logout { finished = true }
    }

    /// The answer to a command that failed for a reason not its own, logged: `NO [UNAVAILABLE]`
    /// while the store cannot be reached (RFC 5530: a subsystem is down, try again), else
    /// `NO [SERVERBUG]`.
    private func failureStatus(_ error: any Error, _ what: String) -> StatusResponse {
        if case StoreError.unavailable(let reason) = error {
            logger.warning("\(what): the store is unavailable", metadata: ["reason": "\(reason)"])
            return StatusResponse(.no, code: .unavailable, text: "Mail storage is unavailable, try again later")
        }
        logger.error("\(what)", metadata: ["error": "\(error)", "ip": "\(connection.remoteIP)"])
        return StatusResponse(.no, code: .serverBug, text: "Internal error, try again later")
    }

    /// Runs a command; nil means it already answered (STARTTLS) or the session ended.
    func dispatch(_ tagged: TaggedCommand) async throws -> StatusResponse? {
        let tag = tagged.tag
        switch tagged.command {
        case .capability:
            send(.untagged(.capability(state.capabilities)))
            return ok("CAPABILITY completed")
        case .noop, .check:
            return ok("\(tagged.command == .noop ? "NOOP" : "CHECK") completed")
        case .logout:
            send(.untagged(.status(StatusResponse(.bye, text: "Mailward IMAP logging out"))))
            state.didLogOut()
            return ok("LOGOUT completed")
        case .id(let parameters):
            return await identify(parameters)
        case .starttls:
            return try await startTLS(tag: tag)
        case .compress:
            return try await startCompression(tag: tag)
        case .login(let username, let password):
            return await logIn(username: username, password: password)
        case .authenticate(let mechanism, let initialResponse):
            return await authenticate(tag: tag, mechanism: mechanism, initialResponse: initialResponse)
        case .enable(let names):
            let enabled = state.enable(names)
            encoder.utf8Accept = state.utf8Accept
            send(.untagged(.enabled(enabled)))
            return ok("ENABLE completed")
        case .select(let name, let parameters):
            return try await select(name, parameters: parameters, readOnly: false)
        case .examine(let name, let parameters):
            return try await select(name, parameters: parameters, readOnly: true)
        case .create(let name, let specialUse):
            return try await create(name, specialUse: specialUse)
        case .delete(let name):
            return try await delete(name)
        case .rename(let from, let to):
            return try await rename(from, to: to)
        case .subscribe(let name):
            return try await subscribe(name, true)
        case .unsubscribe(let name):
            return try await subscribe(name, false)
        case .list(let command):
            return try await list(command)
        case .lsub(let reference, let pattern):
            return try await lsub(reference: reference, pattern: pattern)
        case .namespace:
            // Colleagues' mailboxes are a shared namespace (RFC 2342), `Shared/<owner>/<folder>`.
            send(.untagged(.namespace(personal: [NamespaceDescription(prefix: "", delimiter: "/")], otherUsers: [],
                                      shared: [NamespaceDescription(prefix: SharedNamespace.prefix, delimiter: "/")])))
            return ok("NAMESPACE completed")
        case .status(let name, let attributes):
            return try await status(name, attributes: attributes)
        case .append(let command):
            return try await append(command)
        case .idle:
            return await startIdle(tag: tag)
        case .close:
            // RFC 4314 §4: without the expunge right CLOSE just closes.
            if let selected = state.selected, !selected.readOnly, AccessPolicy.allows(selectedAccess, .delete) {
                let removed = try await mail.remove(mailboxID: selected.mailboxID, uids: nil, onlyDeleted: true)
                if !removed.isEmpty {
                    await recordShared(.delete, ownerID: selected.ownerID, folder: selected.name,
                                       "CLOSE expunged \(Self.describe(removed))")
                }
            }
            state.deselect()
            return ok("CLOSE completed")
        case .unselect:
            state.deselect()
            return ok("UNSELECT completed")
        case .expunge:
            return try await expunge(uids: nil)
        case .uidExpunge(let set):
            return try await expunge(uids: set)
        case .search(let command, let uid):
            return try await search(command, uid: uid, tag: tag)
        case .sort(let command, let uid):
            return try await sort(command, uid: uid, tag: tag)
        case .thread(let command, let uid):
            return try await thread(command, uid: uid)
        case .fetch(let set, let attributes, let modifiers, let uid):
            return try await fetch(set, attributes: attributes, modifiers: modifiers, uid: uid)
        case .store(let set, let operation, let unchangedSince, let uid):
            return try await storeFlags(set, operation: operation, unchangedSince: unchangedSince, uid: uid)
        case .copy(let set, let destination, let uid):
            return try await copy(set, to: destination, uid: uid, move: false)
        case .move(let set, let destination, let uid):
            return try await copy(set, to: destination, uid: uid, move: true)
        case .getQuota(let root):
            return try await getQuota(root: root)
        case .getQuotaRoot(let name):
            return try await getQuotaRoot(name)
        case .setQuota:
            return StatusResponse(.no, code: .noPerm, text: "Quota is set by the administrator")
        case .getACL(let name):
            return try await getACL(name)
        case .myRights(let name):
            return try await myRights(name)
        case .listRights(let name, let identifier):
            return try await listRights(name, identifier: identifier)
        case .setACL(let name, let identifier, let rights):
            return try await setACL(name, identifier: identifier, rights: rights)
        case .deleteACL(let name, let identifier):
            return try await deleteACL(name, identifier: identifier)
        case .unknown:
            return StatusResponse(.bad, text: "Unknown command")
        }
    }

    // MARK: Changes to the selected mailbox

    /// RFC 3501 §7: untagged updates may follow any command but these few.
    static func mayAnnounce(after command: Command) -> Bool {
        switch command {
        case .logout, .close, .unselect, .select, .examine, .idle: return false
        default: return true
        }
    }

    /// EXPUNGE may not be sent during FETCH, STORE, SEARCH, SORT or THREAD by sequence number (RFC 3501 §7.4.1).
    static func mayAnnounceExpunges(after command: Command) -> Bool {
        switch command {
        case .fetch(_, _, _, let uid), .store(_, _, _, let uid), .search(_, let uid), .sort(_, let uid), .thread(_, let uid),
             .copy(_, _, let uid):
            return uid
        default:
            return true
        }
    }

    /// Tells the client what other sessions and deliveries changed, when the store moved on.
    func announceChanges(includeExpunges: Bool) async {
        guard let selected = state.selected else { return }
        do {
            // One light read: HIGHESTMODSEQ, and only when it moved the UIDs and changed flags.
            guard let changes = try await store.changes(mailboxID: selected.mailboxID, since: selected.highestModSeq) else {
                // Another session deleted it: the snapshot means nothing any more (as Dovecot does).
                bye("Selected mailbox was deleted")
                return
            }
            guard changes.hasChanges else { return }
            var responses: [UntaggedResponse] = []
            let condstore = state.condstoreEnabled
            let vanished = state.qresyncEnabled
            // A keyword another session used first in this mailbox changes its FLAGS (RFC 3501
            // §7.2.6), as it does for the session that stored it; looked at only when keywords came.
            let keywordsBefore = changes.changed.contains { !$0.flags.keywords.isEmpty } ? selected.keywords : nil
            state.updateSelected { snapshot in
                responses = snapshot.refresh(with: changes, includeExpunges: includeExpunges, condstore: condstore, vanished: vanished)
            }
            if let keywordsBefore, let now = state.selected, now.mailboxID == selected.mailboxID,
               now.keywords.contains(where: { !keywordsBefore.contains($0) }) {
                responses.insert(contentsOf: [.flags(Self.systemFlags + now.keywords.sorted.map(Flag.init(wire:))),
                                              .status(Self.permanentFlags(of: now))], at: 0)
            }
            // New messages: a session that may change the mailbox takes them as \Recent (the
            // session may have moved on while the store answered: only into the same mailbox).
            if responses.contains(where: { if case .exists = $0 { true } else { false } }) {
                if !selected.readOnly, let recent = try await recentToTake(mailboxID: selected.mailboxID, readOnly: false) {
                    state.updateSelected { if $0.mailboxID == selected.mailboxID { $0.addRecent(recent) } }
                }
                if let now = state.selected, now.mailboxID == selected.mailboxID { responses.append(.recent(UInt32(now.recentCount))) }
            }
            for response in responses { send(.untagged(response)) }
        } catch {
            logger.warning("IMAP refresh failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Output

    func send(_ response: Response) {
        encoder.encode(response, into: &outbound)
    }

    func ok(_ text: String, code: ResponseCode? = nil) -> StatusResponse {
        StatusResponse(.ok, code: code, text: text)
    }

    func bye(_ text: String) {
        send(.untagged(.status(StatusResponse(.bye, text: text))))
        finished = true
    }

    /// Writes what is pending; a failed write ends the session.
    func flush() async {
        guard outbound.readableBytes > 0 else { return }
        let bytes = outbound
        outbound = ByteBuffer()
        do {
            try await connection.write(bytes)
        } catch {
            finished = true
        }
    }

    /// Writes early when a big answer (FETCH of many bodies) piles up.
    func flushIfLarge() async {
        if outbound.readableBytes > 256 * 1024 { await flush() }
    }

    static func status(for error: MailError) -> StatusResponse {
        switch error {
        case .quotaExceeded: StatusResponse(.no, code: .overQuota, text: "Mailbox is full (over quota)")
        case .mailboxExists: StatusResponse(.no, code: .alreadyExists, text: "Mailbox already exists")
        case .noSuchMailbox: StatusResponse(.no, code: .nonExistent, text: "No such mailbox")
        case .invalidMailboxName: StatusResponse(.no, code: .cannot, text: "Invalid mailbox name")
        case .cannotDeleteInbox: StatusResponse(.no, code: .cannot, text: "INBOX cannot be deleted or renamed")
        case .hasChildren: StatusResponse(.no, code: .cannot, text: "Mailbox has children, delete them first")
        case .noSuchMessage: StatusResponse(.no, code: .expungeIssued, text: "Message no longer exists")
        case .emptyMessage: StatusResponse(.no, text: "An empty message cannot be saved")
        case .specialUseTaken(let use): StatusResponse(.no, code: .useAttribute, text: "A \(use.rawValue) mailbox exists already")
        case .tooManyKeywords:
            StatusResponse(.no, code: .limit, text: "The mailbox has \(KeywordLimit.perMailbox) keywords already; no new ones")
        }
    }

    /// The table's refusals: `NOPERM` with its clear text; strangers learn nothing.
    static func status(for error: ShareError) -> StatusResponse {
        switch error {
        case .denied: StatusResponse(.no, code: .noPerm, text: ascii(error.message(chinese: false)))
        case .notFound: StatusResponse(.no, code: .nonExistent, text: "No such mailbox")
        case .unknownGrantee, .cannotShareWithSelf, .alreadyShared, .invalidExpiry:
            StatusResponse(.no, code: .cannot, text: ascii(error.message(chinese: false)))
        }
    }
}

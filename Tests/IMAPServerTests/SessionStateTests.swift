import Foundation
import IMAPCodec
import MailwardCore
import Testing
@testable import IMAPServer

@Suite struct SessionStateTests {
    static let account = Account(id: 7, address: try! EmailAddress("li@example.com"), displayName: "Li", passwordHash: "x",
                                 disabled: false, createdAt: Date(timeIntervalSince1970: 0))

    static func mailbox(id: MailboxID = 1, modSeq: ModSeq = 10) -> Mailbox {
        Mailbox(id: id, accountID: 7, name: "INBOX", specialUse: nil, uidValidity: 99, uidNext: 100, highestModSeq: modSeq,
                createdAt: Date(timeIntervalSince1970: 0))
    }

    static func state(_ uid: MessageUID, flags: MessageFlags = [], modSeq: ModSeq = 1) -> MessageState {
        MessageState(uid: uid, modSeq: modSeq, flags: flags)
    }

    @Test func cleartextFromAnotherMachineAdvertisesLoginDisabledAndRefusesLogin() {
        let state = IMAPSessionState(isTLS: false, isLoopback: false)
        #expect(state.capabilities.contains("LOGINDISABLED"))
        #expect(state.capabilities.contains("STARTTLS"))
        #expect(!state.capabilities.contains("AUTH=PLAIN"))
        guard case .refuse(let status) = state.admit(.login(username: "a", password: "b")) else {
            Issue.record("LOGIN admitted in clear")
            return
        }
        #expect(status.status == .no)
        #expect(status.code == .privacyRequired)
        if case .run = state.admit(.authenticate(mechanism: "PLAIN", initialResponse: nil)) { Issue.record("AUTHENTICATE admitted in clear") }
        #expect(state.admit(.starttls) == .run)
    }

    @Test func tlsAndLoopbackMayLogIn() {
        var tls = IMAPSessionState(isTLS: true, isLoopback: false)
        #expect(tls.capabilities.contains("AUTH=PLAIN"))
        #expect(!tls.capabilities.contains("STARTTLS"))
        #expect(tls.admit(.login(username: "a", password: "b")) == .run)
        if case .run = tls.admit(.starttls) { Issue.record("STARTTLS twice") }
        let loopback = IMAPSessionState(isTLS: false, isLoopback: true)
        #expect(loopback.admit(.login(username: "a", password: "b")) == .run)
        #expect(!loopback.capabilities.contains("LOGINDISABLED"))
        tls.didLogIn(Self.account, credential: .accountPassword)
        #expect(tls.phase == .authenticated)
        #expect(!tls.capabilities.contains("AUTH=PLAIN"))
        if case .run = tls.admit(.login(username: "a", password: "b")) { Issue.record("LOGIN twice") }
    }

    /// RFC 7889: the APPEND size limit is advertised (before and after login) when there is one.
    @Test func theAppendLimitIsAdvertised() {
        var state = IMAPSessionState(isTLS: true, isLoopback: false, appendLimit: 26_214_400)
        #expect(state.capabilities.contains("APPENDLIMIT=26214400"))
        state.didLogIn(Self.account, credential: .accountPassword)
        #expect(state.capabilities.contains("APPENDLIMIT=26214400"))
        #expect(!IMAPSessionState(isTLS: true, isLoopback: false).capabilities.contains { $0.hasPrefix("APPENDLIMIT") })
    }

    /// RFC 4978: COMPRESS DEFLATE once, after login; offered until it is on.
    @Test func compressionIsForSignedInSessionsOnce() {
        var state = IMAPSessionState(isTLS: true, isLoopback: false)
        #expect(!state.capabilities.contains("COMPRESS=DEFLATE"))
        guard case .refuse(let early) = state.admit(.compress("DEFLATE")) else { Issue.record("COMPRESS before login"); return }
        #expect(early.status == .bad)
        state.didLogIn(Self.account, credential: .accountPassword)
        #expect(state.capabilities.contains("COMPRESS=DEFLATE"))
        #expect(state.admit(.compress("deflate")) == .run)
        guard case .refuse(let unknown) = state.admit(.compress("LZ4")) else { Issue.record("COMPRESS LZ4"); return }
        #expect(unknown.status == .bad)
        state.didStartCompression()
        #expect(!state.capabilities.contains("COMPRESS=DEFLATE"))
        guard case .refuse(let twice) = state.admit(.compress("DEFLATE")) else { Issue.record("COMPRESS twice"); return }
        #expect(twice.status == .no)
        #expect(twice.code == .other("COMPRESSIONACTIVE"))
    }

    @Test func commandsNeedTheirState() {
        var state = IMAPSessionState(isTLS: true, isLoopback: false)
        #expect(state.admit(.select(.inbox, [])) != .run)
        #expect(state.admit(.noop) == .run)
        #expect(state.admit(.capability) == .run)
        state.didLogIn(Self.account, credential: .accountPassword)
        #expect(state.admit(.select(.inbox, [])) == .run)
        #expect(state.admit(.fetch(.ranges([SequenceRange(.number(1))]), [.flags], modifiers: [], uid: false)) != .run)
        state.didSelect(SelectedMailbox(mailbox: Self.mailbox(), states: [], readOnly: true))
        #expect(state.phase == .selected)
        #expect(state.admit(.fetch(.ranges([SequenceRange(.number(1))]), [.flags], modifiers: [], uid: false)) == .run)
        // EXAMINE is read-only: no STORE, EXPUNGE or MOVE.
        let store = Command.store(.ranges([SequenceRange(.number(1))]), StoreOperation(kind: .add, silent: false, flags: [.seen]),
                                  unchangedSince: nil, uid: false)
        #expect(state.admit(store) == .refuse(StatusResponse(.no, code: .readOnly, text: "Mailbox is read-only")))
        #expect(state.admit(.expunge) != .run)
        state.deselect()
        #expect(state.phase == .authenticated)
        #expect(state.admit(.unknown("FOO")) != .run)
    }

    @Test func enableReportsOnlyNewlyEnabled() {
        var state = IMAPSessionState(isTLS: true, isLoopback: true)
        #expect(state.enable(["condstore", "X-UNKNOWN"]) == ["CONDSTORE"])
        #expect(state.enable(["CONDSTORE", "UTF8=ACCEPT"]) == ["UTF8=ACCEPT"])
        #expect(state.condstoreEnabled && state.utf8Accept)
    }

    @Test func clientPasswordRequiredIsAnAlertAndAnAuthenticationFailure() {
        let answer = IMAPSessionState.loginAnswer(.clientPasswordRequired(Self.account), capabilities: [])
        let notice = ClientPasswordNotice.asciiText
        #expect(answer.untagged == [.status(StatusResponse(.no, code: .alert, text: notice))])
        #expect(answer.status == StatusResponse(.no, code: .authenticationFailed, text: notice))
        #expect(notice.contains("client-specific password"))
        let invalid = IMAPSessionState.loginAnswer(.invalid, capabilities: [])
        #expect(invalid.untagged.isEmpty)
        #expect(invalid.status == StatusResponse(.no, code: .authenticationFailed, text: "Authentication failed."))
        let valid = IMAPSessionState.loginAnswer(.valid(Self.account, .accountPassword), capabilities: ["IMAP4rev1"])
        #expect(valid.status.code == .capability(["IMAP4rev1"]))
    }

    @Test func expungesAreNotAnnouncedDuringFetchStoreSearchByNumber() {
        let set = SequenceSet.ranges([SequenceRange(.number(1))])
        #expect(!IMAPSession.mayAnnounceExpunges(after: .fetch(set, [.flags], modifiers: [], uid: false)))
        #expect(IMAPSession.mayAnnounceExpunges(after: .fetch(set, [.flags], modifiers: [], uid: true)))
        #expect(!IMAPSession.mayAnnounceExpunges(after: .search(SearchCommand(keys: [.all]), uid: false)))
        #expect(IMAPSession.mayAnnounceExpunges(after: .noop))
        #expect(!IMAPSession.mayAnnounce(after: .logout))
        #expect(IMAPSession.mayAnnounce(after: .check))
    }

    // MARK: Sequence numbers

    @Test func resolvesSequenceNumbersAndUIDs() {
        let snapshot = SelectedMailbox(mailbox: Self.mailbox(), states: [3, 5, 9, 12].map { Self.state($0) }, readOnly: false)
        #expect(snapshot.resolve(.ranges([SequenceRange(.number(2), .last)]), uid: false) == [5, 9, 12])
        #expect(snapshot.resolve(.ranges([SequenceRange(.number(4), .number(9))]), uid: true) == [5, 9])
        // `n:*` with n above every UID still names the last message (RFC 3501 §6.4.8).
        #expect(snapshot.resolve(.ranges([SequenceRange(.number(50), .last)]), uid: true) == [12])
        #expect(snapshot.resolve(.ranges([SequenceRange(.number(7))]), uid: false) == [])
        #expect(snapshot.resolve(.lastSearchResult, uid: true, saved: [9, 44]) == [9])
        #expect(snapshot.sequenceNumber(of: 9) == 3)
        #expect(snapshot.sequenceNumber(of: 4) == nil)
    }

    @Test func manyOverlappingRangesAreMergedFirst() {
        let snapshot = SelectedMailbox(mailbox: Self.mailbox(), states: (1...2000).map { Self.state($0) }, readOnly: false)
        let hostile = SequenceSet.ranges(Array(repeating: SequenceRange(.number(1), .last), count: 50_000))
        #expect(snapshot.resolve(hostile, uid: false).count == 2000)
        let merged = SelectedMailbox.merged([SequenceRange(.number(5), .number(7)), SequenceRange(.number(1), .number(2)),
                                             SequenceRange(.number(3)), SequenceRange(.number(9), .last)], largest: 12)
        #expect(merged == [1...3, 5...7, 9...12])
        #expect(!SelectedMailbox.contains(merged, 8) && !SelectedMailbox.contains(merged, 4))
        #expect(SelectedMailbox.contains(merged, 10))
    }

    @Test func refreshAnnouncesExpungesHighestFirstThenFlagsThenExists() {
        var snapshot = SelectedMailbox(mailbox: Self.mailbox(), states: [1, 2, 3, 4].map { Self.state($0) }, readOnly: false)
        // What the store answers for "changed since 10": the UIDs now, and the states above MODSEQ 10.
        let now = MailboxChanges(since: 10, highestModSeq: 12, uids: [1, 3, 7],
                                 changed: [Self.state(3, flags: [MessageFlags.seen], modSeq: 11), Self.state(7, modSeq: 12)])
        let responses = snapshot.refresh(with: now)
        #expect(responses == [
            .expunge(4), .expunge(2),
            .fetch(2, [.uid(3), .flags([.seen])]),
            .exists(3),
        ])
        #expect(snapshot.uids == [1, 3, 7])
        #expect(snapshot.highestModSeq == 12)
        #expect(snapshot.flags(of: 3) == [MessageFlags.seen])
        // Nothing changed: nothing to say (the store answers without UIDs) …
        #expect(snapshot.refresh(with: MailboxChanges(since: 12, highestModSeq: 12, uids: nil, changed: [])).isEmpty)
        // … and the same states again announce nothing either.
        #expect(snapshot.refresh(with: now).isEmpty)
    }

    /// No expunge since the session's MODSEQ: the store sends no UIDs, and new messages and flag
    /// changes still come through (from `changed` alone).
    @Test func refreshWithoutUIDsAnnouncesFlagsAndNewMessages() {
        var snapshot = SelectedMailbox(mailbox: Self.mailbox(), states: [1, 2].map { Self.state($0) }, readOnly: false)
        let now = MailboxChanges(since: 10, highestModSeq: 13, uids: nil,
                                 changed: [Self.state(2, flags: [MessageFlags.flagged], modSeq: 11), Self.state(3, modSeq: 12),
                                           Self.state(4, flags: [MessageFlags.seen], modSeq: 13)])
        #expect(snapshot.refresh(with: now) == [.fetch(2, [.uid(2), .flags([.flagged])]), .exists(4)])
        #expect(snapshot.uids == [1, 2, 3, 4])
        #expect(snapshot.flags(of: 4) == [MessageFlags.seen])
        #expect(snapshot.highestModSeq == 13)
        #expect(snapshot.refresh(with: now).isEmpty)
    }

    /// Sessions that only FETCH and STORE by sequence number still move on when nothing was
    /// expunged: otherwise every later refresh would read every change since SELECT again.
    @Test func refreshDuringFetchMovesOnWhenNothingWasExpunged() {
        var snapshot = SelectedMailbox(mailbox: Self.mailbox(), states: [1, 2].map { Self.state($0) }, readOnly: false)
        let now = MailboxChanges(since: 10, highestModSeq: 11, uids: nil, changed: [Self.state(2, flags: [MessageFlags.seen], modSeq: 11)])
        #expect(snapshot.refresh(with: now, includeExpunges: false) == [.fetch(2, [.uid(2), .flags([.seen])])])
        #expect(snapshot.highestModSeq == 11)
    }

    @Test func refreshDuringFetchKeepsExpungedMessages() {
        var snapshot = SelectedMailbox(mailbox: Self.mailbox(), states: [1, 2].map { Self.state($0) }, readOnly: false)
        let now = MailboxChanges(since: 10, highestModSeq: 11, uids: [2, 3], changed: [Self.state(3, modSeq: 11)])
        let responses = snapshot.refresh(with: now, includeExpunges: false)
        #expect(responses == [.exists(3)])
        #expect(snapshot.uids == [1, 2, 3])
        // Not up to date yet: the next refresh that may expunge does so.
        #expect(snapshot.highestModSeq == 10)
        #expect(snapshot.refresh(with: now) == [.expunge(1)])
    }

    @Test func flagSetsAreSharedAndTheTableStaysBounded() {
        let seen: MessageFlags = [MessageFlags.seen]
        var snapshot = SelectedMailbox(mailbox: Self.mailbox(),
                                       states: (1...1000).map { Self.state($0, flags: $0 % 2 == 0 ? seen : ["$Work", "\\Flagged"]) },
                                       readOnly: false)
        #expect(snapshot.flags(of: 2) == seen)
        #expect(snapshot.flags(of: 3) == ["$work", MessageFlags.flagged])
        #expect(snapshot.keywords == ["$Work"])
        #expect(snapshot.firstUnseen == 1)
        // A client storing ever new keywords on one message: old sets are dropped, flags stay right.
        for i in 0..<3000 { snapshot.update(uid: 5, flags: ["k\(i)"]) }
        #expect(snapshot.flags(of: 5) == ["k2999"])
        #expect(snapshot.flags(of: 4) == seen && snapshot.flags(of: 7) == ["$Work", MessageFlags.flagged])
        #expect(snapshot.flagSetCount <= 256)
    }

    @Test func ownExpungeRenumbers() {
        var snapshot = SelectedMailbox(mailbox: Self.mailbox(), states: [10, 20, 30].map { Self.state($0) }, readOnly: false)
        #expect(snapshot.expunge([10, 30]) == [.expunge(3), .expunge(1)])
        #expect(snapshot.sequenceNumber(of: 20) == 1)
        #expect(snapshot.firstUnseen == 1)
    }

    // MARK: Helpers

    @Test func listPatterns() {
        #expect(ListPattern.matches(name: "INBOX", pattern: "*"))
        #expect(ListPattern.matches(name: "INBOX", pattern: "inbox"))
        #expect(ListPattern.matches(name: "工作/项目", pattern: "工作/%"))
        #expect(!ListPattern.matches(name: "工作/项目/2024", pattern: "工作/%"))
        #expect(ListPattern.matches(name: "工作/项目/2024", pattern: "工作/*"))
        #expect(ListPattern.matches(name: "Sent", pattern: "%"))
        #expect(!ListPattern.matches(name: "a/b", pattern: "%"))
        #expect(ListPattern.matches(name: "abc", pattern: "a%c"))
        #expect(!ListPattern.matches(name: "abd", pattern: "a*c"))
        // By Unicode scalar: a combining mark after the delimiter or a wildcard leaves them what
        // they are (as Characters, "/\u{301}" and "%\u{301}" were single other characters).
        let markedChild = "a/" + "\u{301}b", markedLeaf = "x" + "\u{301}", wildcardThenMark = "%" + "\u{301}"
        #expect(!ListPattern.matches(name: markedChild, pattern: "%"))
        #expect(ListPattern.matches(name: markedChild, pattern: "a/%"))
        #expect(ListPattern.matches(name: markedLeaf, pattern: wildcardThenMark))
        let precomposed = "caf\u{E9}", decomposed = "cafe" + "\u{301}"
        #expect(!ListPattern.matches(name: precomposed, pattern: decomposed))
        // A hostile pattern stays cheap.
        #expect(!ListPattern.matches(name: String(repeating: "a", count: 400), pattern: String(repeating: "*a", count: 300) + "b"))
    }

    @Test func sequenceSetsAreCompact() {
        #expect(SequenceSets.make([9, 2, 3, 4]) == .ranges([SequenceRange(.number(2), .number(4)), SequenceRange(.number(9))]))
    }

    @Test func headerFieldsAreFilteredWithContinuations() {
        let header = Array("Subject: hi\r\n there\r\nFrom: a@b\r\nTo: c@d\r\n\r\n".utf8)
        #expect(String(decoding: MessageMapping.filterHeader(header[...], names: ["SUBJECT", "to"], keep: true), as: UTF8.self)
                == "Subject: hi\r\n there\r\nTo: c@d\r\n\r\n")
        #expect(String(decoding: MessageMapping.filterHeader(header[...], names: ["Subject"], keep: false), as: UTF8.self)
                == "From: a@b\r\nTo: c@d\r\n\r\n")
        // A message of header alone, without a blank line: none is added (RFC 3501 §6.4.5).
        let headerOnly = Array("Subject: hi\r\nFrom: a@b\r\n".utf8)
        #expect(String(decoding: MessageMapping.filterHeader(headerOnly[...], names: ["Subject"], keep: false), as: UTF8.self)
                == "From: a@b\r\n")
        #expect(String(decoding: MessageMapping.filterHeader(Array("\r\n".utf8)[...], names: ["Subject"], keep: true), as: UTF8.self) == "\r\n")
        #expect(String(decoding: MessageMapping.filterHeader(Array("A: 1\n\n".utf8)[...], names: ["a"], keep: true), as: UTF8.self) == "A: 1\n\r\n")
        #expect(MessageMapping.partial(header[...], 2...5) == header[2...5])
        #expect(MessageMapping.partial(header[...], 1000...1010).isEmpty)
    }
}

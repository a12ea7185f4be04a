import Foundation
import IMAPCodec
import MailwardCore
import MailwardMIME
import Testing
@testable import IMAPServer

/// THREAD's pure parts: the two algorithms of RFC 5256 §3, checked against the wire form of
/// their answer, and the header facts they read.
@Suite struct ThreaderTests {
    /// A message numbered `n` (also its sequence number), sent `minute` minutes into the day.
    static func message(_ n: UInt32, minute: Int, subject: String, id: String? = nil,
                        references: [String] = []) -> ThreadMessage {
        let base = BaseSubject.extract(subject)
        return ThreadMessage(number: n, sequence: n, sentDate: Date(timeIntervalSince1970: 1_800_000_000 + Double(minute) * 60),
                             subject: base.base.lowercased(), isReplyOrForward: base.isReplyOrForward,
                             messageID: id, references: references)
    }

    static func wire(_ list: ThreadList) -> String {
        var text = ""
        var afterNumber = false
        for token in list.tokens {
            switch token {
            case .open: text += afterNumber ? " (" : "("; afterNumber = false
            case .close: text += ")"; afterNumber = false
            case .message(let n): text += afterNumber ? " \(n)" : "\(n)"; afterNumber = true
            }
        }
        return text
    }

    static func threads(_ messages: [ThreadMessage], _ algorithm: ThreadAlgorithm) -> String {
        wire(Threader.threads(messages, algorithm: algorithm))
    }

    @Test(arguments: [
        ("Budget", false), ("Re: Budget", true), ("Budget (fwd)", true), ("[Fwd: Budget]", true),
        ("[team] Budget", false), ("回复：预算", true), ("Reply: Budget", false),
    ])
    func replyOrForwardIsWhatTheBaseSubjectLost(_ subject: String, _ reply: Bool) {
        #expect(BaseSubject.extract(subject).isReplyOrForward == reply, "\(subject)")
    }

    /// One thread per base subject; the first message the parent of all the others; threads in
    /// the order of their first messages.
    @Test func orderedSubjectGroupsBySubject() {
        let messages = [
            Self.message(1, minute: 10, subject: "Plans"),
            Self.message(2, minute: 5, subject: "Budget"),
            Self.message(3, minute: 20, subject: "Re: budget"),
            Self.message(4, minute: 1, subject: "Re: Plans"),
            Self.message(5, minute: 30, subject: "Fwd: Plans"),
            Self.message(6, minute: 40, subject: "Lunch"),
        ]
        #expect(Self.threads(messages, .orderedSubject) == "(4 (1)(5))(2 3)(6)")
        #expect(Self.threads([], .orderedSubject) == "")
    }

    /// A conversation rebuilt from References, with In-Reply-To as the fallback, a missing
    /// ancestor (dummy) pruned, siblings by sent date.
    @Test func referencesRebuildsConversations() {
        let messages = [
            Self.message(1, minute: 1, subject: "Plans", id: "<a@x>"),
            Self.message(2, minute: 2, subject: "Re: Plans", id: "<b@x>", references: ["<a@x>"]),
            Self.message(3, minute: 5, subject: "Re: Plans", id: "<c@x>", references: ["<a@x>", "<b@x>"]),
            Self.message(4, minute: 3, subject: "Re: Plans", id: "<d@x>", references: ["<a@x>"]),
            // Its parent <gone@x> is not in the mailbox; its grandparent is message 1.
            Self.message(5, minute: 6, subject: "Re: Plans", id: "<e@x>", references: ["<a@x>", "<gone@x>"]),
            Self.message(6, minute: 4, subject: "Lunch", id: "<f@x>"),
        ]
        // 1's children by date: 2 (minute 2), 4 (minute 3), 5 (promoted from the dummy, minute 6).
        #expect(Self.threads(messages, .references) == "(1 (2 3)(4)(5))(6)")
    }

    /// Two replies to a message that is not in the mailbox stay together under a dummy; one
    /// reply alone takes the dummy's place.
    @Test func dummiesAtTheTopKeepTwoOrMoreChildren() {
        let two = [
            Self.message(1, minute: 2, subject: "Re: Offsite", id: "<r1@x>", references: ["<orig@x>"]),
            Self.message(2, minute: 1, subject: "Re: Offsite", id: "<r2@x>", references: ["<orig@x>"]),
        ]
        #expect(Self.threads(two, .references) == "((2)(1))")
        let one = [Self.message(1, minute: 1, subject: "Re: Offsite", id: "<r1@x>", references: ["<orig@x>", "<mid@x>"])]
        #expect(Self.threads(one, .references) == "(1)")
    }

    /// Step 5: threads with the same base subject are joined — a reply without references goes
    /// under the original; two originals go under a new dummy.
    @Test func threadsWithOneSubjectAreJoined() {
        let replyWithoutReferences = [
            Self.message(1, minute: 1, subject: "Budget", id: "<a@x>"),
            Self.message(2, minute: 2, subject: "Re: Budget", id: "<b@x>"),
        ]
        #expect(Self.threads(replyWithoutReferences, .references) == "(1 2)")
        let twoOriginals = [
            Self.message(1, minute: 1, subject: "Budget", id: "<a@x>"),
            Self.message(2, minute: 2, subject: "budget", id: "<b@x>"),
            Self.message(3, minute: 3, subject: "Other", id: "<c@x>"),
        ]
        #expect(Self.threads(twoOriginals, .references) == "((1)(2))(3)")
        // Empty subjects are never joined.
        let empty = [Self.message(1, minute: 1, subject: "", id: "<a@x>"), Self.message(2, minute: 2, subject: "Re:", id: "<b@x>")]
        #expect(Self.threads(empty, .references) == "(1)(2)")
    }

    /// A duplicate Message-ID gets a node of its own; a message's own id among its references,
    /// and references that would make a loop, are not linked.
    @Test func duplicatesAndLoopsAreHarmless() {
        let messages = [
            Self.message(1, minute: 1, subject: "A", id: "<a@x>", references: ["<b@x>"]),
            Self.message(2, minute: 2, subject: "B", id: "<b@x>", references: ["<a@x>"]),
            Self.message(3, minute: 3, subject: "C", id: "<a@x>"),
            Self.message(4, minute: 4, subject: "D", id: "<d@x>", references: ["<d@x>"]),
        ]
        // 1 is under 2's id first; 2 then asks to go under 1, which would be a loop: 2 stays on top.
        #expect(Self.threads(messages, .references) == "(2 1)(3)(4)")
    }

    /// A reply chain thousands deep, and a References field of thousands of ids: no recursion,
    /// and the answer is one thread. (Deep enough for a recursive walk to overflow a thread's
    /// stack; the messages are made cheaply, so the test does not hold a test thread for
    /// seconds in a debug build and starve the timing tests running beside it.)
    @Test func deepConversationsNeedNoRecursion() {
        let depth = 20_000
        let reply = Self.message(1, minute: 0, subject: "Re: chain")  // the base subject, worked out once
        let messages = (1...depth).map { i in
            ThreadMessage(number: UInt32(i), sequence: UInt32(i), sentDate: reply.sentDate.addingTimeInterval(Double(i) * 60),
                          subject: reply.subject, isReplyOrForward: true, messageID: "<m\(i)@x>",
                          references: i == 1 ? [] : ["<m\(i - 1)@x>"])
        }
        let list = Threader.threads(messages, algorithm: .references)
        #expect(list.tokens.count == depth + 2)
        #expect(list.tokens.first == .open && list.tokens.last == .close)
        // A fork at every level nests lists thousands deep.
        var forks: [ThreadMessage] = []
        for i in 1...2_000 {
            let parent = i == 1 ? [] : ["<f\(i - 1)@x>"]
            forks.append(Self.message(UInt32(2 * i), minute: 2 * i, subject: "x\(i)", id: "<f\(i)@x>", references: parent))
            forks.append(Self.message(UInt32(2 * i + 1), minute: 2 * i + 1, subject: "y\(i)", id: "<g\(i)@x>", references: parent))
        }
        let nested = Threader.threads(forks, algorithm: .references)
        #expect(nested.tokens.filter { $0 == .open }.count == nested.tokens.filter { $0 == .close }.count)
        #expect(nested.tokens.filter { if case .message = $0 { true } else { false } }.count == forks.count)
    }

    /// The references a message brings: References, or else In-Reply-To's first valid id; quoted
    /// forms of one id are one id; invalid ones are skipped.
    @Test func headerFactsAreRead() {
        let record = MessageRecord(stateOnly: MessageState(uid: 7, modSeq: 1, flags: []), mailboxID: 1)
        func read(_ fields: [(String, String)]) -> ThreadMessage {
            ThreadMessage(number: 7, sequence: 3, record: record, headers: fields.map { HeaderField(name: $0.0, value: $0.1) })
        }
        let reply = read([("Subject", "Re: [team] Budget"), ("Message-ID", " <\"x.y\"@host> "),
                          ("References", "<a@h> (comment) <bad> <\"b\"@h>"), ("In-Reply-To", "<c@h>"),
                          ("Date", "Tue, 3 Nov 2026 09:00:00 +0800")])
        #expect(reply.messageID == "<x.y@host>")
        #expect(reply.references == ["<a@h>", "<b@h>"])
        #expect(reply.subject == "budget" && reply.isReplyOrForward)
        #expect(reply.sentDate == MailDate.parse("Tue, 3 Nov 2026 01:00:00 +0000"))
        let fallback = read([("In-Reply-To", "junk <c@h> <d@h>"), ("References", "none")])
        #expect(fallback.references == ["<c@h>"] && fallback.messageID == nil)
        let long = read([("References", (1...500).map { "<r\($0)@h>" }.joined(separator: " "))])
        #expect(long.references.count == ThreadMessage.maxReferences && long.references.last == "<r500@h>")
    }
}

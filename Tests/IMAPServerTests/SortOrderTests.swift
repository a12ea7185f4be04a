import Foundation
import IMAPCodec
import MailwardCore
import MailwardMIME
import Testing
@testable import IMAPServer

/// SORT's pure parts: the base subject of RFC 5256 §2.1 and the order of RFC 5256 §3 / RFC 5957.
@Suite struct SortOrderTests {
    @Test(arguments: [
        ("Budget", "Budget"),
        ("Re: Budget", "Budget"),
        ("RE: re: Fwd: Budget", "Budget"),
        ("Re[2]: Budget", "Budget"),
        ("Re [ext]: Budget", "Budget"),
        ("[team] Re: Budget", "Budget"),
        ("[team] [ops] Budget", "Budget"),
        ("[team]", "[team]"),
        ("Budget (fwd)", "Budget"),
        ("Budget (FWD)  (fwd) ", "Budget"),
        ("[Fwd: Re: Budget]", "Budget"),
        ("[fwd: [team] Budget (fwd)]", "Budget"),
        ("  Re:\t Budget\r\n  notes", "Budget notes"),
        ("Fw: Fwd:Budget", "Budget"),
        ("Reply: Budget", "Reply: Budget"),
        ("Regarding the budget", "Regarding the budget"),
        ("Re:", ""),
        ("", ""),
        ("回复: 预算", "预算"),
        ("转发：回复：预算", "预算"),
        ("答复: [财务] 预算", "预算"),
        ("=?UTF-8?B?5Zue5aSNOiDpooTnrpc=?=", "预算"),
        ("=?UTF-8?Q?Re:_Caf=C3=A9?=", "Café"),
    ])
    func baseSubjects(_ subject: String, _ base: String) {
        #expect(BaseSubject.of(subject) == base, "\(subject)")
    }

    /// Hostile subjects end: many nested leaders, blobs and brackets.
    @Test func longHostileSubjectsAreFinite() {
        let many = String(repeating: "Re: [x] ", count: 5_000) + "End"
        #expect(BaseSubject.of(many) == "End")
        let brackets = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        #expect(!BaseSubject.of(brackets).isEmpty)
    }

    static func record(_ uid: MessageUID, size: Int, arrived: TimeInterval) -> MessageRecord {
        MessageRecord(id: Int64(uid), mailboxID: 1, uid: uid, modSeq: 1, flags: [],
                      internalDate: Date(timeIntervalSince1970: arrived), size: size, blobID: BlobID(hex: "00"),
                      summary: MessageSummary(subject: "", fromName: nil, fromAddress: nil, to: "", date: nil,
                                              preview: "", hasAttachments: false, messageIDHeader: nil))
    }

    static func headers(from: String, to: String, cc: String? = nil, subject: String, date: String?) -> [HeaderField] {
        var fields = [HeaderField(name: "From", value: from), HeaderField(name: "To", value: to),
                      HeaderField(name: "Subject", value: subject)]
        if let cc { fields.append(HeaderField(name: "Cc", value: cc)) }
        if let date { fields.append(HeaderField(name: "Date", value: date)) }
        return fields
    }

    /// Three messages, numbered 1–3 in the mailbox, and the order each criterion gives them.
    static let messages: [(MessageRecord, [HeaderField])] = [
        (record(10, size: 300, arrived: 3_000),
         headers(from: "Zhao <zhao@example.org>", to: "li@example.com", cc: "b@example.com",
                 subject: "Re: [team] budget", date: "Tue, 3 Nov 2026 09:00:00 +0800")),
        (record(11, size: 100, arrived: 1_000),
         headers(from: "Yu <an@example.org>", to: "\"Wu\" <zz@example.com>", cc: "a@example.com",
                 subject: "Agenda", date: "Sun, 1 Nov 2026 09:00:00 +0800")),
        (record(12, size: 200, arrived: 2_000),
         headers(from: "bai@example.org", to: "Group: mm@example.com;", subject: "Fwd: Budget (fwd)",
                 date: nil)),
    ]

    static func order(_ criteria: [SortCriterion]) -> [MessageUID] {
        let order = SortOrder(criteria: criteria)
        let items = messages.enumerated().map { index, message in
            (values: order.values(message.0, headers: message.1), sequence: UInt32(index + 1), item: message.0.uid)
        }
        return order.sorted(items)
    }

    @Test func eachKeyOrdersAsTheRFCsSay() {
        #expect(Self.order([SortCriterion(.arrival)]) == [11, 12, 10])
        #expect(Self.order([SortCriterion(.size)]) == [11, 12, 10])
        #expect(Self.order([SortCriterion(.size, reverse: true)]) == [10, 12, 11])
        // No Date: field: the arrival time (epoch + 2 000 s) stands in, earlier than any 2026 date.
        #expect(Self.order([SortCriterion(.date)]) == [12, 11, 10])
        // FROM: the first address's local part (an, bai, zhao); DISPLAYFROM: name, else address.
        #expect(Self.order([SortCriterion(.from)]) == [11, 12, 10])
        #expect(Self.order([SortCriterion(.displayFrom)]) == [12, 11, 10])
        // TO: li, zz, mm (a group's first member); DISPLAYTO: li@…, Wu, mm@….
        #expect(Self.order([SortCriterion(.to)]) == [10, 12, 11])
        #expect(Self.order([SortCriterion(.displayTo)]) == [10, 12, 11])
        // CC: b, a, and none (empty sorts first).
        #expect(Self.order([SortCriterion(.cc)]) == [12, 11, 10])
    }

    /// Equal subjects ("BUDGET" in either case) keep their mailbox order under SUBJECT, and a
    /// second key or REVERSE on the first decides between them.
    @Test func tiesKeepMailboxOrderUnlessAnotherKeyDecides() {
        #expect(Self.order([SortCriterion(.subject)]) == [11, 10, 12])
        #expect(Self.order([SortCriterion(.subject, reverse: true)]) == [10, 12, 11])
        #expect(Self.order([SortCriterion(.subject), SortCriterion(.size)]) == [11, 12, 10])
        #expect(Self.order([SortCriterion(.subject, reverse: true), SortCriterion(.arrival, reverse: true)]) == [10, 12, 11])
    }

    @Test func onlyArrivalAndSizeGoWithoutHeaders() {
        #expect(!SortOrder(criteria: [SortCriterion(.arrival), SortCriterion(.size, reverse: true)]).needsHeaders)
        #expect(SortOrder(criteria: [SortCriterion(.arrival), SortCriterion(.date)]).needsHeaders)
    }
}

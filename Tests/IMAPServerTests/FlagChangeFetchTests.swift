import IMAPCodec
import Testing
@testable import IMAPServer

/// The one rule for a FETCH telling a flag change (RFC 7162 §3.1), apart from the sessions that send it.
@Suite struct FlagChangeFetchTests {
    let flags: [Flag] = [.seen]

    @Test func withoutCondstoreOnlyWhatTheCommandAsks() {
        #expect(FlagChangeFetch.items(uid: 7, flags: flags, modSeq: 9, condstore: false, withUID: false) == [.flags(flags)])
        #expect(FlagChangeFetch.items(uid: 7, flags: flags, modSeq: 9, condstore: false, withUID: true) == [.uid(7), .flags(flags)])
        #expect(FlagChangeFetch.items(uid: 7, flags: nil, modSeq: 9, condstore: false, withUID: false).isEmpty)
    }

    @Test func condstoreAddsUIDAndModSeq() {
        #expect(FlagChangeFetch.items(uid: 7, flags: flags, modSeq: 9, condstore: true, withUID: false)
            == [.uid(7), .flags(flags), .modSequence(9)])
        // A .SILENT STORE under CONDSTORE: the new MODSEQ, and the UID beside it.
        #expect(FlagChangeFetch.items(uid: 7, flags: nil, modSeq: 9, condstore: true, withUID: false) == [.uid(7), .modSequence(9)])
    }

    @Test func whatTheFetchReturnsAnywayIsNotRepeated() {
        let items = FlagChangeFetch.items(uid: 7, flags: flags, modSeq: 9, condstore: true, withUID: false,
                                          asked: [.uid, .modSequence])
        #expect(items == [.flags(flags)])
    }

    @Test func aModSeqOnTheWireIsPositive() {
        #expect(FlagChangeFetch.items(uid: 1, flags: nil, modSeq: 0, condstore: true, withUID: true) == [.uid(1), .modSequence(1)])
    }
}

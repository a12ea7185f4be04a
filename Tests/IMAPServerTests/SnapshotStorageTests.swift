import IMAPCodec
import MailwardCore
import ProtocolFuzzing
import Testing

@testable import IMAPServer

/// The compact per-session snapshot: UID runs and one-byte flag-set indices must answer exactly
/// what a plain sorted array would, whatever the expunge pattern.
@Suite struct SnapshotStorageTests {
    @Test func uidRunsAnswerLikeASortedArray() {
        var random = SplitMix64(seed: 7)
        func next() -> UInt32 { UInt32(truncatingIfNeeded: random.next()) }
        for _ in 0..<200 {
            var uids: [UInt32] = []
            var uid: UInt32 = 1 + next() % 5
            for _ in 0..<Int(next() % 60) {
                uids.append(uid)
                uid += next() % 3 == 0 ? 1 + next() % 4 : 1
            }
            var runs = UIDRuns(ascending: uids)
            check(runs, against: uids)
            // Remove a random subset, as an expunge would.
            let positions = uids.indices.filter { _ in next() % 4 == 0 }
            runs.remove(atAscending: positions)
            let gone = Set(positions)
            uids = uids.enumerated().filter { !gone.contains($0.offset) }.map(\.element)
            check(runs, against: uids)
            // New deliveries append.
            let base = (uids.last ?? 0) + 1 + next() % 3
            for uid in base..<(base + 3) {
                runs.append(uid)
                uids.append(uid)
            }
            check(runs, against: uids)
        }
    }

    private func check(_ runs: UIDRuns, against uids: [UInt32], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(runs.count == uids.count, sourceLocation: sourceLocation)
        #expect(runs.all == uids, sourceLocation: sourceLocation)
        #expect(runs.last == uids.last, sourceLocation: sourceLocation)
        for (position, uid) in uids.enumerated() {
            #expect(runs[position] == uid, sourceLocation: sourceLocation)
            #expect(runs.position(of: uid) == position, sourceLocation: sourceLocation)
        }
        let top = (uids.last ?? 0) + 3
        for probe in 0...top {
            #expect(runs.position(of: probe) == uids.firstIndex(of: probe), sourceLocation: sourceLocation)
            #expect(runs.lowerBound(probe) == uids.filter { $0 < probe }.count, sourceLocation: sourceLocation)
        }
        for low in stride(from: UInt32(0), through: top, by: 3) {
            var picked: [UInt32] = []
            runs.append(in: low...(low + 4), to: &picked)
            #expect(picked == uids.filter { (low...(low + 4)).contains($0) }, sourceLocation: sourceLocation)
        }
    }

    @Test func aMailboxDeliveredInARowIsOneRun() {
        let states = (1...500).map { MessageState(uid: $0, modSeq: 1, flags: []) }
        var snapshot = SelectedMailbox(mailbox: SessionStateTests.mailbox(), states: states, readOnly: false)
        #expect(snapshot.uidRunCount == 1)
        #expect(snapshot.expunge([250]) == [.expunge(250)])
        #expect(snapshot.uidRunCount == 2)
        #expect(snapshot.sequenceNumber(of: 251) == 250)
        #expect(snapshot.resolve(.ranges([SequenceRange(.number(249), .number(250))]), uid: false) == [249, 251])
    }

    @Test func flagIndicesWidenBeyond256Sets() {
        var indices = FlagSetIndices()
        for i in 0..<256 { indices.append(UInt32(i)) }
        #expect(!indices.isWide)
        indices.append(300)
        #expect(indices.isWide)
        indices[3] = 70_000
        #expect(indices[3] == 70_000 && indices[255] == 255 && indices[256] == 300)
        indices.remove(atAscending: [0, 3])
        #expect(indices.count == 255 && indices[0] == 1 && indices[2] == 4)
    }

    @Test func aMailboxWithManyDistinctFlagSetsKeepsThemAll() {
        let states = (1...400).map { MessageState(uid: $0, modSeq: 1, flags: ["k\($0)"]) }
        let snapshot = SelectedMailbox(mailbox: SessionStateTests.mailbox(), states: states, readOnly: false)
        for uid in [1, 255, 256, 257, 400] as [MessageUID] { #expect(snapshot.flags(of: uid) == ["k\(uid)"]) }
    }
}

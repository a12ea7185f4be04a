/// Compact storage for ``SelectedMailbox``: every selected session of every idle client holds
/// one, so the per-message cost is what decides how many phones a server can keep in IDLE.

/// The UIDs of a snapshot, ascending, as runs of consecutive numbers. A mailbox whose messages
/// were rarely expunged is a handful of runs whatever its size (500 messages delivered in a row
/// are one run of 8 bytes); the worst case, every other message gone, costs 8 bytes per message.
struct UIDRuns: Sendable, Equatable {
    /// The first UID of each run.
    private var firsts: [UInt32] = []
    /// How many UIDs the runs up to and including each one hold (prefix sums, so a message
    /// number finds its run by binary search).
    private var ends: [UInt32] = []

    init() {}

    /// `uids` must be strictly ascending.
    init<S: Sequence<UInt32>>(ascending uids: S) {
        for uid in uids { append(uid) }
    }

    var count: Int { Int(ends.last ?? 0) }
    var isEmpty: Bool { ends.isEmpty }
    var last: UInt32? { firsts.last.map { $0 + length(firsts.count - 1) - 1 } }
    var runCount: Int { firsts.count }

    private func start(_ run: Int) -> UInt32 { run == 0 ? 0 : ends[run - 1] }
    private func length(_ run: Int) -> UInt32 { ends[run] - start(run) }

    /// The UID at a 0-based position (message number − 1).
    subscript(position: Int) -> UInt32 {
        precondition(position >= 0 && position < count, "message number out of range")
        var lo = 0, hi = ends.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(ends[mid]) > position { hi = mid } else { lo = mid + 1 }
        }
        return firsts[lo] + UInt32(position) - start(lo)
    }

    /// The run holding `uid`, or the last run starting below it; nil when `uid` is below them all.
    private func run(atOrBelow uid: UInt32) -> Int? {
        var lo = 0, hi = firsts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if firsts[mid] <= uid { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    /// The 0-based position of `uid`, if present.
    func position(of uid: UInt32) -> Int? {
        guard let r = run(atOrBelow: uid) else { return nil }
        let offset = uid - firsts[r]
        return offset < length(r) ? Int(start(r) + offset) : nil
    }

    /// How many UIDs are below `uid`.
    func lowerBound(_ uid: UInt32) -> Int {
        guard let r = run(atOrBelow: uid) else { return 0 }
        return Int(start(r) + min(uid - firsts[r], length(r)))
    }

    /// How many UIDs lie within `range`.
    func count(in range: ClosedRange<UInt32>) -> Int {
        (range.upperBound == .max ? count : lowerBound(range.upperBound + 1)) - lowerBound(range.lowerBound)
    }

    /// Appends `uid`, which must be above ``last``.
    mutating func append(_ uid: UInt32) {
        if let last, last < UInt32.max, uid == last + 1 {
            ends[ends.count - 1] += 1
        } else {
            precondition(last.map { uid > $0 } ?? true, "UIDs must ascend")
            firsts.append(uid)
            ends.append(UInt32(count) + 1)
        }
    }

    /// Every UID, ascending.
    var all: [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(count)
        for r in firsts.indices { out.append(contentsOf: firsts[r]..<(firsts[r] + length(r))) }
        return out
    }

    /// Appends the UIDs within `range`, ascending.
    func append(in range: ClosedRange<UInt32>, to out: inout [UInt32]) {
        var r = run(atOrBelow: range.lowerBound) ?? 0
        while r < firsts.count, firsts[r] <= range.upperBound {
            let runLast = firsts[r] + length(r) - 1
            let from = max(firsts[r], range.lowerBound), to = min(runLast, range.upperBound)
            if from <= to { out.append(contentsOf: from...to) }
            r += 1
        }
    }

    /// Appends the UIDs at 0-based `positions`, ascending.
    func append(at positions: Range<Int>, to out: inout [UInt32]) {
        for position in positions { out.append(self[position]) }
    }

    /// Removes the UIDs at the given 0-based positions (ascending, distinct).
    mutating func remove(atAscending positions: [Int]) {
        guard !positions.isEmpty else { return }
        var rebuilt = UIDRuns()
        var next = 0
        for (position, uid) in all.enumerated() {
            if next < positions.count, positions[next] == position {
                next += 1
                continue
            }
            rebuilt.append(uid)
        }
        self = rebuilt
    }
}

/// One small number per message — its flag set's place in the snapshot's table: a byte each
/// while the table has at most 256 sets (nearly every mailbox), four bytes beyond.
struct FlagSetIndices: Sendable, Equatable {
    private enum Storage: Sendable, Equatable {
        case narrow([UInt8])
        case wide([UInt32])
    }

    private var storage = Storage.narrow([])

    init() {}

    var count: Int {
        switch storage {
        case .narrow(let a): a.count
        case .wide(let a): a.count
        }
    }

    subscript(position: Int) -> UInt32 {
        get {
            switch storage {
            case .narrow(let a): UInt32(a[position])
            case .wide(let a): a[position]
            }
        }
        set {
            widenIfNeeded(for: newValue)
            switch storage {
            case .narrow(var a):
                storage = .narrow([])
                a[position] = UInt8(newValue)
                storage = .narrow(a)
            case .wide(var a):
                storage = .wide([])
                a[position] = newValue
                storage = .wide(a)
            }
        }
    }

    mutating func reserveCapacity(_ n: Int) {
        switch storage {
        case .narrow(var a):
            storage = .narrow([])
            a.reserveCapacity(n)
            storage = .narrow(a)
        case .wide(var a):
            storage = .wide([])
            a.reserveCapacity(n)
            storage = .wide(a)
        }
    }

    mutating func append(_ value: UInt32) {
        widenIfNeeded(for: value)
        switch storage {
        case .narrow(var a):
            storage = .narrow([])
            a.append(UInt8(value))
            storage = .narrow(a)
        case .wide(var a):
            storage = .wide([])
            a.append(value)
            storage = .wide(a)
        }
    }

    /// Removes the values at the given positions (ascending, distinct).
    mutating func remove(atAscending positions: [Int]) {
        guard !positions.isEmpty else { return }
        let gone = Set(positions)
        switch storage {
        case .narrow(let a): storage = .narrow(a.enumerated().filter { !gone.contains($0.offset) }.map(\.element))
        case .wide(let a): storage = .wide(a.enumerated().filter { !gone.contains($0.offset) }.map(\.element))
        }
    }

    /// Every value, in order.
    var all: [UInt32] {
        switch storage {
        case .narrow(let a): a.map(UInt32.init)
        case .wide(let a): a
        }
    }

    var isWide: Bool {
        if case .wide = storage { return true }
        return false
    }

    private mutating func widenIfNeeded(for value: UInt32) {
        if value > UInt32(UInt8.max), case .narrow(let a) = storage {
            storage = .wide(a.map(UInt32.init))
        }
    }
}

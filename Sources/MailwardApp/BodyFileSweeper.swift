import Foundation
import Logging
import MailwardCore
import ServiceLifecycle
import StoreSQLite
import Synchronization

/// Housekeeping of the body files in `blobs/` (SQLite installations keep bodies over 64 KiB
/// there), a minute after start and then hourly:
/// - a deleted body stays in place, marked in `blobs/.deleted`, for ``retention`` before it is
///   unlinked — unless a message names it again (delivered again, a restored backup), then only
///   the mark goes;
/// - once a day (and at the first run) every body file is checked against the database: files
///   no message names — left by a refused or failed insert, or a crash between writing a body
///   and committing its message — are deleted, as are temporary files of interrupted writes.
/// Only files older than ``retention`` are looked at, and each decision is taken inside the
/// store's write transaction (`MailStore.reconcileBodies`), so a delivery in progress keeps its body.
struct BodyFileSweeper: Service {
    let store: any MailStore
    let blobs: FileBlobStore
    let clock: any WallClock
    let logger: Logger
    var retention: TimeInterval = 3600
    var firstDelay: Duration = .seconds(60)
    var interval: Duration = .seconds(3600)
    /// Every how many runs the bodies in place are checked too.
    var placedEvery = 24

    func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(for: firstDelay)
            var run = 0
            while !Task.isCancelled {
                do {
                    try await sweep(includePlaced: run % placedEvery == 0)
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("body file sweep failed", metadata: ["error": "\(error)"])
                }
                run += 1
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass; returns how many marked bodies went (`purged`) or stayed because a message names
    /// them (`kept`), and how many bodies no message names were marked (`unreferenced`).
    @discardableResult
    func sweep(includePlaced: Bool) async throws -> (purged: Int, kept: Int, unreferenced: Int) {
        let blobs = self.blobs
        let (deleted, placed) = blobs.sweepCandidates(before: clock.now.addingTimeInterval(-retention), includePlaced: includePlaced)
        let counts = Counts()
        for chunk in deleted.chunks(of: 500) {
            try await store.reconcileBodies(Array(chunk)) { id, referenced in
                if referenced { blobs.keep(id); counts.add(kept: 1) } else { blobs.purge(id); counts.add(purged: 1) }
            }
        }
        for chunk in placed.chunks(of: 500) {
            try await store.reconcileBodies(Array(chunk)) { id, referenced in
                if !referenced { try blobs.delete(id); counts.add(unreferenced: 1) }
            }
        }
        let result = counts.value
        if result.kept + result.unreferenced > 0 {
            logger.notice("body files swept", metadata: ["deleted": "\(result.purged)", "kept": "\(result.kept)",
                                                         "unreferenced": "\(result.unreferenced)"])
        }
        return result
    }

    private final class Counts: Sendable {
        private let counts = Mutex((purged: 0, kept: 0, unreferenced: 0))
        func add(purged: Int = 0, kept: Int = 0, unreferenced: Int = 0) {
            counts.withLock { $0.purged += purged; $0.kept += kept; $0.unreferenced += unreferenced }
        }
        var value: (purged: Int, kept: Int, unreferenced: Int) { counts.withLock { $0 } }
    }
}

extension Array {
    fileprivate func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

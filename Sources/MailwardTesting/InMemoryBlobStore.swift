import Foundation
import MailwardCore
import Synchronization

/// The in-memory twin of `BlobStore`.
public final class InMemoryBlobStore: BlobStore {
    private let bodies = Mutex<[BlobID: [UInt8]]>([:])

    public init() {}

    public static func id(of bytes: [UInt8]) -> BlobID {
        BlobID.of(bytes)
    }

    public func put(_ bytes: [UInt8]) async throws -> BlobID {
        let id = Self.id(of: bytes)
        try ensure(id, bytes: bytes)
        return id
    }

    public func get(_ id: BlobID) async throws -> [UInt8] {
        guard let bytes = bodies.withLock({ $0[id] }) else { throw MailError.noSuchMessage }
        return bytes
    }

    public func read(_ id: BlobID, range: Range<Int>) async throws -> [UInt8] {
        let bytes = try await get(id)
        return Array(bytes[range.clamped(to: bytes.indices)])
    }

    public func ensure(_ id: BlobID, bytes: [UInt8]) throws {
        bodies.withLock { if $0[id] == nil { $0[id] = bytes } }
    }

    public func delete(_ id: BlobID) throws {
        _ = bodies.withLock { $0.removeValue(forKey: id) }
    }

    public var count: Int { bodies.withLock { $0.count } }
}

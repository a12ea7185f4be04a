import Foundation
import MailwardCore
import StoreSQLite
import Testing

/// The on-disk side of `FileBlobStore` that the conformance suite does not see: names, the
/// fan-out folders made on demand, and repair of a body that went missing.
@Suite struct FileBlobStoreTests {
    @Test func theNameIsTheLowercaseHexSHA256() {
        // FIPS 180-2 test vectors.
        #expect(FileBlobStore.id(of: Array("abc".utf8)).hex
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(FileBlobStore.id(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(FileBlobStore.id(of: []).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func putCreatesTheFanOutFoldersOnDemandAndLeavesNoTemporaryFile() async throws {
        let root = try TemporaryFolder.make().path + "/blobs"
        let store = try FileBlobStore(root: root)
        let first = Array("first body\r\n".utf8)
        let id = try await store.put(first)
        #expect(FileManager.default.fileExists(atPath: store.path(of: id)))
        #expect(try await store.get(id) == first)
        // A second body in the same top-level folder but a new second-level one.
        let folder = (store.path(of: id) as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [id.hex])
        // Identical bytes: stored once, same name.
        #expect(try await store.put(first) == id)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [id.hex])
        var others: [BlobID] = []
        for n in 0..<40 { others.append(try await store.put(Array("body \(n)".utf8))) }
        for (n, other) in others.enumerated() { #expect(try await store.get(other) == Array("body \(n)".utf8)) }
    }

    /// A deleted body stays in place, marked in `.deleted`, until a sweep purges it or keeps it
    /// (a message names it again); temporary files of interrupted writes go once old.
    @Test func deletedBodiesWaitAsideUntilSwept() async throws {
        let root = try TemporaryFolder.make().path + "/blobs"
        let store = try FileBlobStore(root: root)
        let kept = try await store.put(Array("kept".utf8))
        let gone = try await store.put(Array("gone".utf8))
        let back = try await store.put(Array("back".utf8))
        try store.delete(gone)
        try store.delete(back)
        try store.delete(gone)  // twice: no error
        #expect(FileManager.default.fileExists(atPath: store.deletedFolder + "/" + gone.hex))
        #expect(try await store.get(gone) == Array("gone".utf8))
        let folder = (store.path(of: kept) as NSString).deletingLastPathComponent
        let temporary = folder + "/.tmp-interrupted"
        #expect(FileManager.default.createFile(atPath: temporary, contents: Data("half".utf8)))

        // Nothing is old yet.
        let now = Date()
        #expect(store.sweepCandidates(before: now.addingTimeInterval(-3600), includePlaced: true) == ([], []))
        let later = store.sweepCandidates(before: now.addingTimeInterval(3600), includePlaced: true)
        #expect(Set(later.deleted) == [gone, back])
        #expect(later.placed == [kept])
        #expect(!FileManager.default.fileExists(atPath: temporary))
        store.purge(gone)
        store.keep(back)
        await #expect(throws: (any Error).self) { _ = try await store.get(gone) }
        #expect(FileManager.default.fileExists(atPath: store.path(of: back)))
        #expect(!FileManager.default.fileExists(atPath: store.deletedFolder + "/" + back.hex))
        // A mark whose body file went (only the link was kept somewhere): put back in place.
        try store.delete(kept)
        try FileManager.default.removeItem(atPath: store.path(of: kept))
        store.keep(kept)
        #expect(try await store.get(kept) == Array("kept".utf8))
        #expect(FileManager.default.fileExists(atPath: store.path(of: kept)))
        #expect(store.sweepCandidates(before: now.addingTimeInterval(3600), includePlaced: false).deleted.isEmpty)
    }

    @Test func ensureRewritesABodyWhoseFoldersWereRemoved() async throws {
        let root = try TemporaryFolder.make().path + "/blobs"
        let store = try FileBlobStore(root: root)
        let bytes = Array("repair me".utf8)
        let id = try await store.put(bytes)
        let top = ((store.path(of: id) as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        try FileManager.default.removeItem(atPath: top)
        await #expect(throws: StoreError.self) { try await store.get(id) }
        try store.ensure(id, bytes: bytes)
        #expect(try await store.get(id) == bytes)
        // Even the root may go missing (an operator emptied it): the next body recreates it.
        try FileManager.default.removeItem(atPath: root)
        let again = try await store.put(Array("after the root was removed".utf8))
        #expect(try await store.get(again) == Array("after the root was removed".utf8))
    }
}

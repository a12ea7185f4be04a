@testable import MailwardNet
import NIOCore
import Testing

/// The COMPRESS=DEFLATE streams of a connection, end to end between two of them (each side's
/// deflater feeds the other's inflater, as a client and the server do).
struct DeflateStreamsTests {
    @Test func whatOneSideDeflatesTheOtherInflatesWriteByWrite() throws {
        let server = try DeflateStreams(), client = try DeflateStreams()
        for text in ["* OK [CAPABILITY IMAP4rev1] ready\r\n", "a1 OK done\r\n", String(repeating: "* 1 EXISTS\r\n", count: 500)] {
            client.feed(try server.deflated(ByteBuffer(string: text)))
            // A sync flush after each write: everything written can be read at once.
            var read = ""
            while let part = try client.inflated() { read += String(buffer: part) }
            #expect(read == text)
        }
        #expect(try server.deflated(ByteBuffer()).readableBytes == 0)
    }

    /// A small "bomb" comes out a part at a time, however much it inflates to.
    @Test func aBombInflatesAPartAtATime() throws {
        let sender = try DeflateStreams(), receiver = try DeflateStreams()
        let size = 2 * 1024 * 1024
        let compressed = try sender.deflated(ByteBuffer(repeating: UInt8(ascii: "x"), count: size))
        #expect(compressed.readableBytes < size / 100)
        receiver.feed(compressed)
        var total = 0
        while let part = try receiver.inflated() {
            #expect(part.readableBytes <= DeflateStreams.outputPart)
            #expect(part == ByteBuffer(repeating: UInt8(ascii: "x"), count: part.readableBytes))
            total += part.readableBytes
        }
        #expect(total == size)
    }

    @Test func bytesThatAreNotDeflateAreAnError() throws {
        let streams = try DeflateStreams()
        streams.feed(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x20, 0x41]))
        #expect(throws: (any Error).self) { _ = try streams.inflated() }
    }
}

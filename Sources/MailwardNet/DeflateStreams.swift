import CompressNIO
import NIOCore

/// The two raw DEFLATE streams (RFC 1951) of a compressed connection (IMAP COMPRESS=DEFLATE,
/// RFC 4978): what the client sends is inflated, what the server sends is deflated and flushed
/// at every write, so each response reaches the client whole.
///
/// Inflating is pulled, not pushed: compressed bytes wait in `pending` and come out at most
/// ``outputPart`` bytes per call, so a small "bomb" (a megabyte that inflates to a gigabyte of
/// commands) costs no more memory than the session reading it at its own pace.
final class DeflateStreams {
    private let inflater: ZlibDecompressor
    private let deflater: ZlibCompressor
    /// Compressed bytes read from the client and not inflated yet. Never empty of storage, so
    /// zlib always gets a real pointer, even for zero bytes.
    private var pending = ByteBufferAllocator().buffer(capacity: 4096)
    /// The last inflate filled its output: zlib may hold more without further input.
    private var outputWasFull = false

    static let outputPart = 64 * 1024

    /// The server's side: a 32 KiB window and 64 KiB of match state (about 100 KiB per
    /// connection instead of zlib's default 256 KiB); the client may use any window, so
    /// inflating takes the largest.
    init() throws {
        inflater = try ZlibDecompressor(algorithm: .deflate, windowSize: 15)
        deflater = try ZlibCompressor(algorithm: .deflate,
                                      configuration: ZlibConfiguration(windowSize: .window32k, memoryLevel: .memory64K))
    }

    /// Compressed bytes from the client.
    func feed(_ buffer: ByteBuffer) {
        var buffer = buffer
        pending.discardReadBytes()
        pending.writeBuffer(&buffer)
    }

    /// Up to ``outputPart`` inflated bytes; nil when more compressed input is needed first.
    /// Throws when the client's stream is not DEFLATE.
    func inflated() throws -> ByteBuffer? {
        guard pending.readableBytes > 0 || outputWasFull else { return nil }
        var output = ByteBufferAllocator().buffer(capacity: outputCapacity())
        outputWasFull = false
        do {
            try inflater.inflate(from: &pending, to: &output)
            if output.writableBytes == 0 { outputWasFull = true }
        } catch let error as CompressNIOError where error == .bufferOverflow {
            outputWasFull = true
        } catch let error as CompressNIOError where error == .inputBufferOverflow {
            // Everything given was taken; the rest of the block is still on its way.
        }
        return output.readableBytes > 0 ? output : nil
    }

    /// Room for the next inflate: what a typical command line inflates to (text compresses by
    /// a factor of three or four) rather than a full part for every few bytes read; a full part
    /// once zlib has shown it holds more than the last buffer took.
    private func outputCapacity() -> Int {
        if outputWasFull { return Self.outputPart }
        return min(Self.outputPart, max(Self.smallestOutput, pending.readableBytes * 4))
    }

    static let smallestOutput = 4096

    /// `buffer` compressed and sync-flushed: everything in it can be inflated by the client now.
    func deflated(_ buffer: ByteBuffer) throws -> ByteBuffer {
        guard buffer.readableBytes > 0 else { return buffer }
        var input = buffer
        var output = ByteBufferAllocator().buffer(capacity: max(deflater.maxSize(from: input), 64))
        while true {
            do {
                try deflater.deflate(from: &input, to: &output, flush: .sync)
                if input.readableBytes == 0, output.writableBytes > 0 { return output }
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // The bound was too small for the flush marker: make room and go on.
            }
            output.reserveCapacity(minimumWritableBytes: 4096)
        }
    }
}

import LineCodec
import NIOCore

/// A message dot-stuffed and ended as a server sends it (``DotStuffer``), fed to the stuffer in
/// random pieces of 1–16 bytes, so that stuffing across piece boundaries is exercised too.
public enum DotStuffedInPieces {
    public static func wire(_ message: [UInt8], random: inout SplitMix64) -> ByteBuffer {
        var stuffer = DotStuffer()
        var wire = ByteBuffer()
        var rest = ByteBuffer(bytes: message)
        while rest.readableBytes > 0 {
            stuffer.stuff(rest.readSlice(length: min(rest.readableBytes, 1 + Int(random.next() % 16)))!, into: &wire)
        }
        stuffer.finish(into: &wire)
        return wire
    }
}

extension ProtocolMutator {
    /// ``DotStuffedInPieces/wire(_:random:)`` with the mutator's random pieces.
    public mutating func dotStuffedInPieces(_ message: [UInt8]) -> ByteBuffer {
        DotStuffedInPieces.wire(message, random: &random)
    }
}

import NIOCore

/// Splits a byte stream into CRLF-terminated lines with a hard bound on line length — the
/// framing under SMTP and POP3 commands and SMTP replies.
///
/// An over-long line is not buffered: its bytes are dropped as they arrive, and once its end is
/// seen the framer reports ``Line/tooLong`` exactly once. That keeps memory bounded and keeps the
/// tail of a long line from being mistaken for a new command.
///
/// To stay linear when bytes trickle in, the framer remembers how far it already searched for LF.
/// That is only valid while the caller merely *appends* to the buffer between a `needMoreData`
/// answer and the next call, which is what a NIO cumulation buffer does.
package struct LineFramer: Sendable {
    package enum Line: Equatable {
        case needMoreData
        /// The line without its line ending.
        case line([UInt8])
        case tooLong
        case bareLineFeed
    }

    private var searchedBytes = 0
    private var isDiscarding = false

    package init() {}

    /// - Parameter maximumLength: the longest line accepted, counting the CRLF.
    package mutating func next(_ buffer: inout ByteBuffer, maximumLength: Int, acceptsBareLineFeed: Bool) -> Line {
        let view = buffer.readableBytesView
        let resumeAt = view.startIndex + min(self.searchedBytes, view.count)
        guard let lineFeed = view[resumeAt...].firstIndex(of: UInt8(ascii: "\n")) else {
            if self.isDiscarding || view.count >= maximumLength {
                // The line can no longer fit (its LF is still to come): drop what we have.
                self.isDiscarding = true
                buffer.moveReaderIndex(forwardBy: view.count)
                self.searchedBytes = 0
            } else {
                self.searchedBytes = view.count
            }
            return .needMoreData
        }
        self.searchedBytes = 0
        let lengthWithLineFeed = lineFeed - view.startIndex + 1
        if self.isDiscarding || lengthWithLineFeed > maximumLength {
            self.isDiscarding = false
            buffer.moveReaderIndex(forwardBy: lengthWithLineFeed)
            return .tooLong
        }
        let hasCarriageReturn = lengthWithLineFeed >= 2 && view[lineFeed - 1] == UInt8(ascii: "\r")
        let contentLength = lengthWithLineFeed - (hasCarriageReturn ? 2 : 1)
        let content = buffer.readBytes(length: contentLength) ?? []
        buffer.moveReaderIndex(forwardBy: lengthWithLineFeed - contentLength)
        if !hasCarriageReturn && !acceptsBareLineFeed {
            return .bareLineFeed
        }
        return .line(content)
    }
}

import NIOCore

/// Splits the inbound stream into lines with a hard length bound. An over-long line is dropped
/// as it arrives and reported once, at its end, so its tail is never taken for a command.
///
/// It remembers how far it already searched for LF (linear time when bytes trickle in); that is
/// valid because between a `needMoreData` answer and the next call the caller only appends.
struct POP3LineFramer: Sendable {
    enum Line: Equatable {
        case needMoreData
        /// The line without its line ending.
        case line([UInt8])
        case tooLong
        case bareLineFeed
    }

    private var searchedBytes = 0
    private var isDiscarding = false

    /// - Parameter maximumLength: the longest line accepted, counting the CRLF.
    mutating func next(_ buffer: inout ByteBuffer, maximumLength: Int, acceptsBareLineFeed: Bool) -> Line {
        let view = buffer.readableBytesView
        let resumeAt = view.startIndex + min(self.searchedBytes, view.count)
        guard let lineFeed = view[resumeAt...].firstIndex(of: UInt8(ascii: "\n")) else {
            if self.isDiscarding || view.count >= maximumLength {
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

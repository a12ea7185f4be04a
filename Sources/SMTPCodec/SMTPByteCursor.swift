/// A read position over the bytes of one line; the parsers' only tool. Never reads out of bounds.
struct SMTPByteCursor {
    let bytes: [UInt8]
    var index: Int = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { self.index >= self.bytes.count }

    var peek: UInt8? { self.isAtEnd ? nil : self.bytes[self.index] }

    /// Consumes and returns the next byte, or nil at the end.
    mutating func next() -> UInt8? {
        guard let byte = self.peek else { return nil }
        self.index += 1
        return byte
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard self.peek == byte else { return false }
        self.index += 1
        return true
    }

    /// Consumes `literal` if it is next, comparing ASCII letters case-insensitively.
    mutating func consumeCaseInsensitive(_ literal: String) -> Bool {
        let expected = Array(literal.utf8)
        guard self.bytes.count - self.index >= expected.count else { return false }
        for (offset, byte) in expected.enumerated() where asciiLowercase(self.bytes[self.index + offset]) != asciiLowercase(byte) {
            return false
        }
        self.index += expected.count
        return true
    }

    /// Consumes bytes while `predicate` holds and returns them.
    mutating func read(while predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = self.index
        while let byte = self.peek, predicate(byte) { self.index += 1 }
        return self.bytes[start..<self.index]
    }

    /// Consumes one or more spaces; false if there was none.
    mutating func consumeSpaces() -> Bool {
        !self.read(while: { $0 == UInt8(ascii: " ") }).isEmpty
    }

    /// Everything not yet consumed.
    mutating func readRest() -> ArraySlice<UInt8> {
        defer { self.index = self.bytes.count }
        return self.bytes[self.index...]
    }
}

func asciiLowercase(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
}

func isASCIIAlpha(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(asciiLowercase(byte))
}

func isASCIIDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
}

/// Decodes bytes that must be valid UTF-8; nil otherwise.
func validUTF8String(_ bytes: some Collection<UInt8>) -> String? {
    String(validating: bytes, as: UTF8.self)
}

/// Free text (VRFY, HELP, …): no control characters, valid UTF-8.
func freeText(_ bytes: some Collection<UInt8>) -> String? {
    guard bytes.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else { return nil }
    return validUTF8String(bytes)
}

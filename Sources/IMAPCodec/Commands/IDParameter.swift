/// One `field value` pair of the ID command (RFC 2971); the value may be `NIL`.
public struct IDParameter: Sendable, Hashable {
    public var key: String
    public var value: String?

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

/// One item of a STATUS response.
public struct MailboxStatusItem: Sendable, Hashable {
    public var attribute: StatusAttribute
    public var value: UInt64
    public init(_ attribute: StatusAttribute, _ value: UInt64) {
        self.attribute = attribute
        self.value = value
    }
}

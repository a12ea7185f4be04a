/// `resource-name limit` in SETQUOTA (RFC 9208).
public struct QuotaLimit: Sendable, Hashable {
    public var resource: String
    public var limit: UInt64

    public init(resource: String, limit: UInt64) {
        self.resource = resource
        self.limit = limit
    }
}

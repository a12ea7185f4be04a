/// One `identifier rights` pair of an ACL response (RFC 4314).
public struct ACLEntry: Sendable, Hashable {
    public var identifier: String
    public var rights: String
    public init(identifier: String, rights: String) {
        self.identifier = identifier
        self.rights = rights
    }
}

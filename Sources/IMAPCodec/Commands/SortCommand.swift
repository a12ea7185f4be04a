/// `SORT (criteria) charset search-keys` (RFC 5256 §3, with RFC 5957's DISPLAYFROM / DISPLAYTO).
public struct SortCommand: Sendable, Equatable {
    /// The order, most significant first; never empty.
    public var criteria: [SortCriterion]
    /// The charset of the search strings (required by SORT's grammar).
    public var charset: String
    /// The search keys, implicitly AND-ed; never empty.
    public var keys: [SearchKey]
    /// ESORT `RETURN` options (RFC 5267 §3.2): answered with ESEARCH, in sort order; `nil` for a
    /// plain SORT.
    public var returnOptions: [SearchReturnOption]?

    public init(criteria: [SortCriterion], charset: String, keys: [SearchKey], returnOptions: [SearchReturnOption]? = nil) {
        self.criteria = criteria
        self.charset = charset
        self.keys = keys
        self.returnOptions = returnOptions
    }
}

/// One sort key, in ascending or (`REVERSE`) descending order.
public struct SortCriterion: Sendable, Hashable {
    public var key: SortKey
    public var reverse: Bool

    public init(_ key: SortKey, reverse: Bool = false) {
        self.key = key
        self.reverse = reverse
    }
}

/// The sort keys of RFC 5256 §3 and RFC 5957.
public enum SortKey: String, Sendable, Hashable, CaseIterable {
    case arrival = "ARRIVAL"
    case cc = "CC"
    case date = "DATE"
    case from = "FROM"
    case size = "SIZE"
    case subject = "SUBJECT"
    case to = "TO"
    case displayFrom = "DISPLAYFROM"
    case displayTo = "DISPLAYTO"
}

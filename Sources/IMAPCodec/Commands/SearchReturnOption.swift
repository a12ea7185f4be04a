/// ESEARCH `RETURN` options (RFC 4731, RFC 5182). An empty `RETURN ()` means `ALL`.
public enum SearchReturnOption: String, Sendable, Hashable {
    case min = "MIN"
    case max = "MAX"
    case all = "ALL"
    case count = "COUNT"
    case save = "SAVE"
}

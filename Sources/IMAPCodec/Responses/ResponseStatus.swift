/// The condition of a status response.
public enum ResponseStatus: String, Sendable, Hashable {
    case ok = "OK"
    case no = "NO"
    case bad = "BAD"
    /// Untagged only: the connection starts authenticated.
    case preauth = "PREAUTH"
    /// Untagged only: the server is closing the connection.
    case bye = "BYE"
}

/// LIST-EXTENDED return options (RFC 5258 §3.2, RFC 5819, RFC 6154).
public enum ListReturnOption: Sendable, Hashable {
    case subscribed
    case children
    case specialUse
    case status([StatusAttribute])
}

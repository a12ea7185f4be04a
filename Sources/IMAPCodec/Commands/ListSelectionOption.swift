/// LIST-EXTENDED selection options (RFC 5258 §3.1, RFC 6154).
public enum ListSelectionOption: Sendable, Hashable {
    case subscribed
    case remote
    case recursiveMatch
    case specialUse
}

/// The languages of user-facing texts: Chinese by default (the seed's users), English on request.
public enum Language: String, Sendable, CaseIterable {
    case zhCN = "zh-CN"
    case en

    /// Reads `zh`, `zh-CN`, `en`, `en-US`…; anything else is the default.
    public init(tag: String?) {
        guard let tag = tag?.lowercased() else { self = .zhCN; return }
        self = tag.hasPrefix("en") ? .en : .zhCN
    }
}

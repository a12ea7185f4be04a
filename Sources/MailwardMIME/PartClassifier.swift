/// Decides, for each leaf of a body structure, whether it is message text (shown as the body,
/// indexed for search) or an attachment — the one rule shared by ``MessageContent``,
/// ``ParsedMessage/preview``, ``ParsedMessage/searchText`` and ``ParsedMessage/hasAttachments``.
///
/// A leaf is body text when it is `text/plain` or `text/html` (or a multipart that could not be
/// split, shown as plain text), has no filename and is not `Content-Disposition: attachment`. Every other leaf (including `message/rfc822`, which is
/// offered as an attachment) is an attachment. An attachment is *inline* when its disposition says
/// so, or when it has a Content-ID inside `multipart/related` (an embedded image).
enum PartClassifier {
    enum Role {
        case plainText
        case html
        case attachment(isInline: Bool)
        /// A `message/rfc822` about to be descended into (``visit(_:descendIntoMessages:_:)``
        /// with `descendIntoMessages` only): its header is message text too, for search.
        case encapsulatedMessage
    }

    /// Visits leaves with their IMAP path and role. With `descendIntoMessages`, the text of
    /// encapsulated messages is visited too (for search); otherwise a message/rfc822 is one attachment.
    static func visit(_ root: BodyStructure, descendIntoMessages: Bool, _ body: (_ path: [Int], _ part: BodyStructure, _ role: Role) -> Void) {
        var budget = MIMEParser.maxParts * 2
        visitMessage(root, prefix: [], inRelated: false, descend: descendIntoMessages, budget: &budget, body)
    }

    private static func visitMessage(_ root: BodyStructure, prefix: [Int], inRelated: Bool, descend: Bool, budget: inout Int,
                                     _ body: (_ path: [Int], _ part: BodyStructure, _ role: Role) -> Void) {
        if root.isMultipart {
            visitChildren(root, prefix: prefix, descend: descend, budget: &budget, body)
        } else {
            visitLeaf(root, path: prefix + [1], inRelated: inRelated, descend: descend, budget: &budget, body)
        }
    }

    private static func visitChildren(_ multipart: BodyStructure, prefix: [Int], descend: Bool, budget: inout Int,
                                      _ body: (_ path: [Int], _ part: BodyStructure, _ role: Role) -> Void) {
        let related = multipart.subtype.equalsIgnoringASCIICase("related")
        for (i, child) in multipart.children.enumerated() {
            let path = prefix + [i + 1]
            if child.isMultipart {
                visitChildren(child, prefix: path, descend: descend, budget: &budget, body)
            } else {
                visitLeaf(child, path: path, inRelated: related, descend: descend, budget: &budget, body)
            }
        }
    }

    private static func visitLeaf(_ leaf: BodyStructure, path: [Int], inRelated: Bool, descend: Bool, budget: inout Int,
                                  _ body: (_ path: [Int], _ part: BodyStructure, _ role: Role) -> Void) {
        budget -= 1
        guard budget >= 0 else { return }
        if descend, let inner = leaf.encapsulated {
            body(path, leaf, .encapsulatedMessage)
            visitMessage(inner, prefix: path, inRelated: false, descend: descend, budget: &budget, body)
            return
        }
        body(path, leaf, role(of: leaf, inRelated: inRelated))
    }

    static func role(of leaf: BodyStructure, inRelated: Bool) -> Role {
        let isAttachmentDisposition = leaf.disposition?.isAttachment ?? false
        if leaf.isText && !isAttachmentDisposition && leaf.filename == nil {
            if leaf.subtype.equalsIgnoringASCIICase("plain") { return .plainText }
            if leaf.subtype.equalsIgnoringASCIICase("html") { return .html }
        }
        // A multipart that could not be split (no boundary, nested too deep): its bytes are
        // shown as they are, as a mail reader without MIME would, rather than hidden.
        if leaf.declaresMultipart && !isAttachmentDisposition && leaf.filename == nil { return .plainText }
        let inline = (leaf.disposition?.isInline ?? false) || (leaf.disposition == nil && inRelated && leaf.contentID != nil)
        return .attachment(isInline: inline && !isAttachmentDisposition)
    }
}

import NIOCore

extension IMAPResponseEncoder {
    /// `response-data = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data / message-data /
    ///  capability-data / enable-data / id-response / namespace-response / ...) CRLF`
    func writeUntagged(_ response: UntaggedResponse, into buffer: inout ByteBuffer) {
        switch response {
        case .status(let status):
            writeStatus(status, into: &buffer)
        case .capability(let caps):
            buffer.writeASCII((["CAPABILITY"] + caps).joined(separator: " "))
        case .enabled(let caps):
            buffer.writeASCII((["ENABLED"] + caps).joined(separator: " "))
        case .list(let list):
            buffer.writeASCII("LIST ")
            writeList(list, into: &buffer)
        case .lsub(let list):
            buffer.writeASCII("LSUB ")
            writeList(list, into: &buffer)
        case .mailboxStatus(let mailbox, let items):
            // status-response = "STATUS" SP mailbox SP "(" [status-att-list] ")"
            buffer.writeASCII("STATUS ")
            writeMailbox(mailbox, into: &buffer)
            buffer.writeASCII(" (")
            buffer.writeASCII(items.map { "\($0.attribute.rawValue) \($0.value)" }.joined(separator: " "))
            buffer.writeASCII(")")
        case .flags(let flags):
            buffer.writeASCII("FLAGS ")
            buffer.writeFlagList(flags)
        case .exists(let n): buffer.writeASCII("\(n) EXISTS")
        case .recent(let n): buffer.writeASCII("\(n) RECENT")
        case .expunge(let n): buffer.writeASCII("\(n) EXPUNGE")
        case .vanished(let earlier, let set):
            buffer.writeASCII(earlier ? "VANISHED (EARLIER) " : "VANISHED ")
            buffer.writeSequenceSet(set)
        case .search(let numbers, let modSequence):
            writeNumberList("SEARCH", numbers, modSequence: modSequence, into: &buffer)
        case .esearch(let esearch):
            writeESearch(esearch, into: &buffer)
        case .sort(let numbers, let modSequence):
            writeNumberList("SORT", numbers, modSequence: modSequence, into: &buffer)
        case .thread(let threads):
            writeThread(threads, into: &buffer)
        case .fetch(let number, let items):
            buffer.writeASCII("\(number) FETCH (")
            for (i, item) in items.enumerated() {
                if i > 0 { buffer.writeASCII(" ") }
                writeFetchItem(item, into: &buffer)
            }
            buffer.writeASCII(")")
        case .namespace(let personal, let other, let shared):
            // namespace-response = "NAMESPACE" SP namespace SP namespace SP namespace
            buffer.writeASCII("NAMESPACE")
            for group in [personal, other, shared] {
                buffer.writeASCII(" ")
                writeNamespace(group, into: &buffer)
            }
        case .id(let params):
            buffer.writeASCII("ID ")
            if let params {
                buffer.writeASCII("(")
                for (i, p) in params.enumerated() {
                    if i > 0 { buffer.writeASCII(" ") }
                    buffer.writeIMAPString(p.key, utf8Allowed: utf8Accept)
                    buffer.writeASCII(" ")
                    buffer.writeIMAPNString(p.value, utf8Allowed: utf8Accept)
                }
                buffer.writeASCII(")")
            } else {
                buffer.writeASCII("NIL")
            }
        case .quota(let root, let resources):
            // quota-response = "QUOTA" SP quota-root-name SP quota-list
            buffer.writeASCII("QUOTA ")
            buffer.writeIMAPAstring(Array(root.utf8), utf8Allowed: utf8Accept)
            buffer.writeASCII(" (")
            buffer.writeASCII(resources.map { "\($0.name) \($0.usage) \($0.limit)" }.joined(separator: " "))
            buffer.writeASCII(")")
        case .quotaRoot(let mailbox, let roots):
            buffer.writeASCII("QUOTAROOT ")
            writeMailbox(mailbox, into: &buffer)
            for root in roots {
                buffer.writeASCII(" ")
                buffer.writeIMAPAstring(Array(root.utf8), utf8Allowed: utf8Accept)
            }
        case .acl(let mailbox, let entries):
            // acl-data = "ACL" SP mailbox *(SP identifier SP rights)
            buffer.writeASCII("ACL ")
            writeMailbox(mailbox, into: &buffer)
            for entry in entries {
                buffer.writeASCII(" ")
                buffer.writeIMAPAstring(Array(entry.identifier.utf8), utf8Allowed: utf8Accept)
                buffer.writeASCII(" ")
                buffer.writeIMAPAstring(Array(entry.rights.utf8), utf8Allowed: utf8Accept)
            }
        case .listRights(let mailbox, let identifier, let required, let optional):
            // listrights-data = "LISTRIGHTS" SP mailbox SP identifier SP rights *(SP rights)
            buffer.writeASCII("LISTRIGHTS ")
            writeMailbox(mailbox, into: &buffer)
            buffer.writeASCII(" ")
            buffer.writeIMAPAstring(Array(identifier.utf8), utf8Allowed: utf8Accept)
            buffer.writeASCII(" ")
            buffer.writeIMAPAstring(Array(required.utf8), utf8Allowed: false)
            for group in optional {
                buffer.writeASCII(" ")
                buffer.writeIMAPAstring(Array(group.utf8), utf8Allowed: false)
            }
        case .myRights(let mailbox, let rights):
            buffer.writeASCII("MYRIGHTS ")
            writeMailbox(mailbox, into: &buffer)
            buffer.writeASCII(" ")
            buffer.writeIMAPAstring(Array(rights.utf8), utf8Allowed: false)
        }
    }

    /// `mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox [SP mbox-list-extended]`
    private func writeList(_ list: ListResponse, into buffer: inout ByteBuffer) {
        buffer.writeASCII("(")
        buffer.writeASCII(list.attributes.map(\.description).joined(separator: " "))
        buffer.writeASCII(") ")
        writeDelimiter(list.delimiter, into: &buffer)
        buffer.writeASCII(" ")
        writeMailbox(list.mailbox, into: &buffer)
        if list.childInfoSubscribed {
            buffer.writeASCII(" (\"CHILDINFO\" (\"SUBSCRIBED\"))")
        }
    }

    private func writeDelimiter(_ delimiter: Character?, into buffer: inout ByteBuffer) {
        guard let delimiter else {
            buffer.writeASCII("NIL")
            return
        }
        buffer.writeIMAPString(String(delimiter), utf8Allowed: false)
    }

    /// `namespace = nil / "(" 1*namespace-descr ")"`; `namespace-descr = "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil) ")"`
    private func writeNamespace(_ group: [NamespaceDescription], into buffer: inout ByteBuffer) {
        guard !group.isEmpty else {
            buffer.writeASCII("NIL")
            return
        }
        buffer.writeASCII("(")
        for description in group {
            buffer.writeASCII("(")
            let wire = MailboxName(description.prefix, utf8Accept: utf8Accept)
            buffer.writeIMAPString(wire.bytes, utf8Allowed: utf8Accept)
            buffer.writeASCII(" ")
            writeDelimiter(description.delimiter, into: &buffer)
            buffer.writeASCII(")")
        }
        buffer.writeASCII(")")
    }

    /// `"SEARCH" *(SP nz-number) [SP "(MODSEQ" SP mod-sequence-value ")"]`, and the same for SORT.
    private func writeNumberList(_ name: String, _ numbers: [UInt32], modSequence: UInt64?, into buffer: inout ByteBuffer) {
        buffer.writeASCII(name)
        for n in numbers { buffer.writeASCII(" \(n)") }
        if let modSequence { buffer.writeASCII(" (MODSEQ \(modSequence))") }
    }

    /// `esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)`
    private func writeESearch(_ response: ESearchResponse, into buffer: inout ByteBuffer) {
        buffer.writeASCII("ESEARCH")
        if let tag = response.tag {
            buffer.writeASCII(" (TAG ")
            buffer.writeIMAPString(tag, utf8Allowed: false)
            buffer.writeASCII(")")
        }
        if response.uid { buffer.writeASCII(" UID") }
        if let min = response.min { buffer.writeASCII(" MIN \(min)") }
        if let max = response.max { buffer.writeASCII(" MAX \(max)") }
        if let all = response.all {
            buffer.writeASCII(" ALL ")
            buffer.writeSequenceSet(all)
        }
        if let count = response.count { buffer.writeASCII(" COUNT \(count)") }
        if let modSequence = response.modSequence { buffer.writeASCII(" MODSEQ \(modSequence)") }
    }

    /// `thread-data = "THREAD" [SP 1*thread-list]`, where `thread-members = nz-number *(SP
    /// nz-number) [SP thread-nested]` and `thread-nested = 2*thread-list` (RFC 5256 §5): a space
    /// after a number when a number or a list follows it, none between lists.
    private func writeThread(_ threads: ThreadList, into buffer: inout ByteBuffer) {
        buffer.writeASCII("THREAD")
        if !threads.tokens.isEmpty { buffer.writeASCII(" ") }
        var afterNumber = false
        for token in threads.tokens {
            switch token {
            case .open:
                buffer.writeASCII(afterNumber ? " (" : "(")
                afterNumber = false
            case .close:
                buffer.writeASCII(")")
                afterNumber = false
            case .message(let n):
                buffer.writeASCII(afterNumber ? " \(n)" : "\(n)")
                afterNumber = true
            }
        }
    }
}

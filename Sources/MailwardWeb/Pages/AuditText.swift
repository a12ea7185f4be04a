import MailwardCore

/// The audit log's stored codes and details (kept as written, in English, for administrators
/// and the CLI) said in the page language at display time: the sign-in method of 登录设备查询
/// and the details of 共享记录. Anything not recognised is shown as stored.
enum AuditText {
    /// `web · password+trusted-device` → `网页 · 密码 + 可信任设备`.
    static func signInMethod(door: String?, method: String?, language: Language) -> String {
        let words = language == .en ? en : zh
        return [door.map { words["door:" + $0] ?? $0 }, method.map { words["method:" + $0] ?? $0 }]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
    }

    /// The stored codes in each language; a code not listed is shown as stored.
    static let zh: [String: String] = [
        "door:web": "网页", "door:imap": "IMAP", "door:pop3": "POP3", "door:smtp": "SMTP",
        "method:password": "密码", "method:password+sms": "密码 + 短信验证码",
        "method:password+trusted-device": "密码 + 可信任设备", "method:app-password": "客户端专用密码",
        "method:password+totp": "密码 + 身份验证器", "method:password+recovery-code": "密码 + 恢复码",
        "method:password+security-key": "密码 + 安全密钥",
        "method:throttled": "尝试过多，已限制",
        "flag:+\\Seen": "标为已读", "flag:-\\Seen": "标为未读", "flag:+\\Flagged": "加标记", "flag:-\\Flagged": "取消标记",
        "flag:+\\Answered": "标为已回复", "flag:-\\Answered": "取消已回复",
    ]

    static let en: [String: String] = [
        "door:web": "Web", "door:imap": "IMAP", "door:pop3": "POP3", "door:smtp": "SMTP",
        "method:password": "password", "method:password+sms": "password + SMS code",
        "method:password+trusted-device": "password + trusted device", "method:app-password": "client-specific password",
        "method:password+totp": "password + authenticator app", "method:password+recovery-code": "password + recovery code",
        "method:password+security-key": "password + security key",
        "method:throttled": "too many attempts, throttled",
        "flag:+\\Seen": "marked read", "flag:-\\Seen": "marked unread", "flag:+\\Flagged": "flagged", "flag:-\\Flagged": "unflagged",
        "flag:+\\Answered": "marked answered", "flag:-\\Answered": "marked not answered",
    ]

    /// A share event's detail: `a@x → b@x: read_only → send_as` → `a@x → b@x：只读 → 代理发送`;
    /// a grantee's action `b@x: deleted “S” from INBOX` → `b@x：从“收件箱”删除了 “S”`. `door`: the
    /// door the action came through (the event's own column), named before the action unless it
    /// is the webmail's.
    static func shareDetail(kind: String, detail: String, door: String? = nil, language: Language) -> String {
        let zh = language != .en
        let colon = zh ? "：" : ": "
        guard let split = detail.range(of: ": ") else { return detail }
        let who = String(detail[..<split.lowerBound])
        let rest = String(detail[split.upperBound...])
        switch kind {
        case "share-created", "share-changed":
            // `read_only → send_as`, `send_as until 2027-01-31T16:00:00Z`, `until revoked` (B6).
            var permissionText = rest
            var until = ""
            if rest == "until revoked" {
                permissionText = ""
                until = zh ? "长期有效" : "no end"
            } else if let range = rest.range(of: "until ") , range.lowerBound == rest.startIndex || rest[..<range.lowerBound].hasSuffix(" ") {
                permissionText = String(rest[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
                let end = String(rest[range.upperBound...])
                until = (zh ? "有效期至 " : "until ") + end
            }
            let permissions = permissionText.isEmpty ? [] : permissionText.components(separatedBy: " → ").map { raw in
                SharePermission(rawValue: raw)?.label(chinese: zh) ?? raw
            }
            let parts = [permissions.joined(separator: " → "), until].filter { !$0.isEmpty }
            return who + colon + parts.joined(separator: zh ? "，" : ", ")
        case "shared-mailbox-action":
            var (rest, door) = (rest, door)
            if rest.hasPrefix("IMAP "), door == nil || door == "imap" {
                // Written before the door column alone named the door (stop 52 and earlier).
                rest.removeFirst(5)
                door = "imap"
            }
            let named = door.flatMap { $0 == "web" ? nil : (zh ? Self.zh : en)["door:" + $0] ?? $0.uppercased() }
            let said = (zh && door == "imap" ? imapAction(rest) : nil) ?? action(rest, zh: zh)
            return who + colon + (named.map { $0 + colon } ?? "") + said
        default:
            return detail
        }
    }

    static func action(_ text: String, zh: Bool) -> String {
        if text.hasPrefix("read “"), text.hasSuffix("”") {
            return (zh ? "查看了 " : "read ") + text.dropFirst(5)
        }
        if text.hasPrefix("read the attachment “"), let of = text.range(of: "” of “", options: .backwards), text.hasSuffix("”") {
            let name = text[text.index(text.startIndex, offsetBy: 20)..<of.lowerBound] + "”"
            let subject = "“" + text[of.upperBound...]
            return zh ? "下载了 \(subject) 的附件 \(name)" : "read the attachment \(name) of \(subject)"
        }
        if text.hasPrefix("sent "), text.hasSuffix(" recipient(s)"), let to = text.range(of: " to ", options: .backwards) {
            let id = text[text.index(text.startIndex, offsetBy: 5)..<to.lowerBound]
            let count = text[to.upperBound...].dropLast(" recipient(s)".count)
            return zh ? "发出邮件 \(id)，收件人 \(count) 个" : "sent \(id) to \(count) recipient\(count == "1" ? "" : "s")"
        }
        if text.hasPrefix("deleted “"), let end = text.range(of: "” from ", options: .backwards) {
            let subject = text[text.index(text.startIndex, offsetBy: 8)..<end.lowerBound] + "”"
            let box = folder(String(text[end.upperBound...]), zh: zh)
            return zh ? "从“\(box)”删除了 \(subject)" : "deleted \(subject) from \(box)"
        }
        if text.hasPrefix("moved “"), let from = text.range(of: "” from ", options: .backwards),
           let to = text.range(of: " to ", options: .backwards, range: from.upperBound..<text.endIndex) {
            let subject = text[text.index(text.startIndex, offsetBy: 6)..<from.lowerBound] + "”"
            let source = folder(String(text[from.upperBound..<to.lowerBound]), zh: zh)
            let target = folder(String(text[to.upperBound...]), zh: zh)
            return zh ? "将 \(subject) 从“\(source)”移到“\(target)”" : "moved \(subject) from \(source) to \(target)"
        }
        if text.hasPrefix("emptied "), text.hasSuffix(")"), let open = text.range(of: " (", options: .backwards) {
            let box = folder(String(text[text.index(text.startIndex, offsetBy: 8)..<open.lowerBound]), zh: zh)
            let count = text[open.upperBound...].dropLast()
            return zh ? "清空了“\(box)”（\(count) 封）" : "emptied \(box) (\(count))"
        }
        if zh, text.hasPrefix("searched “"), text.hasSuffix(" found"), let end = text.range(of: "” in "),
           let colon = text.range(of: ": ", options: .backwards, range: end.upperBound..<text.endIndex) {
            // `searched “words”, “more” in INBOX: 3 found` (ShareService.recordGranteeSearch; the
            // words' own curly quotes are made straight, so the first `” in ` ends them).
            let words = text[text.index(text.startIndex, offsetBy: 9)..<end.lowerBound] + "”"
            let name = String(text[end.upperBound..<colon.lowerBound])
            let count = text[colon.upperBound...].dropLast(" found".count)
            let place = name == "all folders" ? "全部文件夹" : "“\(folder(name, zh: true))”"
            return "在\(place)中搜索了 \(words)，找到 \(count) 封"
        }
        if text.first == "+" || text.first == "-", let on = text.range(of: " on “") {
            let changes = text[..<on.lowerBound].split(separator: " ").map { flag(String($0), zh: zh) }
            let subject = text[text.index(on.lowerBound, offsetBy: 4)...]
            return changes.joined(separator: zh ? "、" : ", ") + (zh ? "：" : ": ") + subject
        }
        return text
    }

    /// What the IMAP door records (`read UIDs 1:3 (3 messages) in INBOX`, `STORE +FLAGS
    /// (\Seen) on UIDs 4 (1 message) in INBOX`, `MOVE UIDs 5 (1 message) to 项目 in INBOX`, …) in
    /// Chinese; nil when the shape is not one of those.
    static func imapAction(_ text: String) -> String? {
        guard let inRange = folderSeparator(text) else { return nil }
        let box = "“" + imapFolder(String(text[inRange.upperBound...])) + "”"
        let what = String(text[..<inRange.lowerBound])
        guard let uidsRange = what.range(of: "UIDs ") else { return nil }
        let afterUIDs = what[uidsRange.upperBound...]
        guard let open = afterUIDs.range(of: " ("), let close = afterUIDs.range(of: " message", range: open.upperBound..<afterUIDs.endIndex)
        else { return nil }
        let uids = afterUIDs[..<open.lowerBound]
        let count = afterUIDs[open.upperBound..<close.lowerBound]
        let messages = uids == "none" ? "\(count) 封邮件" : "\(count) 封邮件（UID \(uids)）"
        let tail = afterUIDs.range(of: ")", range: close.upperBound..<afterUIDs.endIndex).map { String(afterUIDs[$0.upperBound...]) } ?? ""
        let verb = String(what[..<uidsRange.lowerBound])
        func place(_ name: String) -> String {
            name == "an own folder" ? "自己的文件夹" : "“" + imapFolder(name) + "”"
        }
        switch verb {
        case "read ": return "在\(box)中查看了 \(messages)"
        case "APPEND ": return "向\(box)添加了 \(messages)"
        case "EXPUNGE ", "CLOSE expunged ": return "从\(box)彻底删除了 \(messages)"
        case "MOVE ", "COPY ":
            guard tail.hasPrefix(" to ") else { return nil }
            return "将\(box)中的 \(messages)\(verb == "MOVE " ? "移到" : "复制到")\(place(String(tail.dropFirst(4))))"
        case "MOVE in ", "COPY in ":
            guard tail.hasPrefix(" from ") else { return nil }
            return "从\(place(String(tail.dropFirst(6))))\(verb == "MOVE in " ? "移入" : "复制入")\(box) \(messages)"
        default:
            // STORE +FLAGS (\Seen \Flagged) on UIDs …
            guard verb.hasPrefix("STORE "), verb.hasSuffix(" on "), let flagsOpen = verb.firstIndex(of: "("),
                  let flagsClose = verb.lastIndex(of: ")"), flagsOpen < flagsClose else { return nil }
            let sign = verb.dropFirst(6).first
            let names = verb[verb.index(after: flagsOpen)..<flagsClose].split(separator: " ").map(String.init)
            let change: String
            switch sign {
            case "+": change = names.map { flag("+" + $0, zh: true) }.joined(separator: "、")
            case "-": change = names.map { flag("-" + $0, zh: true) }.joined(separator: "、")
            default: change = "标记设为 " + (names.isEmpty ? "（无）" : names.joined(separator: " "))
            }
            return "在\(box)中将 \(messages)\(change)"
        }
    }

    /// The ` in ` before the folder: right after the message count (`… (3 messages) in Plans in
    /// 2026`) or after "to/from an own folder", so a folder name holding " in " stays whole; after
    /// a MOVE/COPY's other shared folder (`… to X in Y`) the last one — either name could hold it
    /// there, and only structured audit details would tell.
    static func folderSeparator(_ text: String) -> Range<String.Index>? {
        guard let uids = text.range(of: "UIDs "),
              let count = text.range(of: " message", range: uids.upperBound..<text.endIndex),
              let close = text.range(of: ")", range: count.upperBound..<text.endIndex) else { return nil }
        let rest = text[close.upperBound...]
        // The count, or a MOVE/COPY's own folder (a fixed phrase), ends right before the folder.
        for lead in ["", " to an own folder", " from an own folder"] where rest.hasPrefix(lead + " in ") {
            let start = text.index(close.upperBound, offsetBy: lead.count)
            return start..<text.index(start, offsetBy: 4)
        }
        return text.range(of: " in ", options: .backwards, range: close.upperBound..<text.endIndex)
    }

    /// A folder as the grantee's IMAP client named it: `Shared/owner@x/INBOX` is the owner's
    /// 收件箱 — the owner reads this log.
    static func imapFolder(_ name: String) -> String {
        var name = Substring(name)
        if name.hasPrefix("Shared/"), let slash = name.dropFirst(7).firstIndex(of: "/") {
            name = name[name.index(after: slash)...]
        }
        return folder(String(name), zh: true)
    }

    /// `+\Seen` → 标为已读 …; other flags as stored.
    static func flag(_ change: String, zh: Bool) -> String {
        (zh ? Self.zh : en)["flag:" + change] ?? change
    }

    /// INBOX and the special folders in the page language (as the folder list says them).
    static func folder(_ name: String, zh: Bool) -> String {
        MailAccess.displayName(named: name, zh ? .zhCN : .en)
    }
}

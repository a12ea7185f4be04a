import MailwardCore
import Testing
@testable import MailwardWeb

/// The audit codes and details shown in the page language (audit finding 5): sign-in methods on
/// 登录设备查询 and share activity on 共享邮箱, translated at display time from what is stored.
@Suite struct AuditTextTests {
    @Test func signInMethodsInBothLanguages() {
        #expect(AuditText.signInMethod(door: "web", method: "password+trusted-device", language: .zhCN) == "网页 · 密码 + 可信任设备")
        #expect(AuditText.signInMethod(door: "imap", method: "app-password", language: .zhCN) == "IMAP · 客户端专用密码")
        #expect(AuditText.signInMethod(door: "web", method: "password+sms", language: .zhCN) == "网页 · 密码 + 短信验证码")
        #expect(AuditText.signInMethod(door: "web", method: "password+sms", language: .en) == "Web · password + SMS code")
        #expect(AuditText.signInMethod(door: "web", method: "future-method", language: .zhCN) == "网页 · future-method")
        #expect(AuditText.signInMethod(door: nil, method: nil, language: .zhCN) == "")
    }

    @Test func shareDetailsInBothLanguages() {
        func zh(_ kind: String, _ detail: String) -> String { AuditText.shareDetail(kind: kind, detail: detail, language: .zhCN) }
        func en(_ kind: String, _ detail: String) -> String { AuditText.shareDetail(kind: kind, detail: detail, language: .en) }
        #expect(zh("share-created", "office@demo.test → bob@demo.test: send_on_behalf") == "office@demo.test → bob@demo.test：代表发送")
        #expect(zh("share-changed", "office@demo.test → bob@demo.test: read_only → send_as") == "office@demo.test → bob@demo.test：只读 → 代理发送")
        #expect(en("share-changed", "o@x → b@x: read_only → send_as") == "o@x → b@x: Read only → Send as")
        #expect(zh("share-revoked", "office@demo.test → bob@demo.test") == "office@demo.test → bob@demo.test")
        // B6: a share's end, given at creation or changed on its own.
        #expect(zh("share-created", "o@x → b@x: send_as until 2027-01-31T16:00:00Z") == "o@x → b@x：代理发送，有效期至 2027-01-31T16:00:00Z")
        #expect(en("share-changed", "o@x → b@x: until 2027-01-31T16:00:00Z") == "o@x → b@x: until 2027-01-31T16:00:00Z")
        #expect(zh("share-changed", "o@x → b@x: until revoked") == "o@x → b@x：长期有效")
        let action = "shared-mailbox-action"
        #expect(zh(action, "bob@demo.test: read “季度报告”") == "bob@demo.test：查看了 “季度报告”")
        #expect(zh(action, "bob@demo.test: sent <abc@demo.test> to 1 recipient(s)") == "bob@demo.test：发出邮件 <abc@demo.test>，收件人 1 个")
        #expect(en(action, "bob@demo.test: sent <abc@demo.test> to 2 recipient(s)") == "bob@demo.test: sent <abc@demo.test> to 2 recipients")
        #expect(zh(action, "bob@demo.test: -\\Seen on “会议 on time”") == "bob@demo.test：标为未读：“会议 on time”")
        #expect(zh(action, "bob@demo.test: +\\Seen +\\Flagged on “x”") == "bob@demo.test：标为已读、加标记：“x”")
        #expect(zh(action, "bob@demo.test: deleted “a from b” from INBOX") == "bob@demo.test：从“收件箱”删除了 “a from b”")
        #expect(zh(action, "bob@demo.test: moved “s” from INBOX to 项目") == "bob@demo.test：将 “s” 从“收件箱”移到“项目”")
        #expect(zh(action, "bob@demo.test: emptied Trash (3)") == "bob@demo.test：清空了“已删除”（3 封）")
        // What the IMAP door records, in Chinese; English pages keep it as stored. The door is the
        // event's own column, named before the action.
        func imap(_ detail: String) -> String { AuditText.shareDetail(kind: action, detail: detail, door: "imap", language: .zhCN) }
        #expect(imap("bob@demo.test: read UIDs 1 (1 message) in INBOX") == "bob@demo.test：IMAP：在“收件箱”中查看了 1 封邮件（UID 1）")
        #expect(AuditText.shareDetail(kind: action, detail: "bob@demo.test: read UIDs 1 (1 message) in INBOX", door: "imap", language: .en)
                == "bob@demo.test: IMAP: read UIDs 1 (1 message) in INBOX")
        #expect(imap("bob@demo.test: STORE +FLAGS (\\Seen \\Flagged) on UIDs 1:3,7 (4 messages) in INBOX")
                == "bob@demo.test：IMAP：在“收件箱”中将 4 封邮件（UID 1:3,7）标为已读、加标记")
        #expect(imap("bob@demo.test: STORE -FLAGS (\\Seen) on UIDs 2 (1 message) in 项目")
                == "bob@demo.test：IMAP：在“项目”中将 1 封邮件（UID 2）标为未读")
        #expect(imap("bob@demo.test: STORE FLAGS (\\Seen) on UIDs 2 (1 message) in INBOX")
                == "bob@demo.test：IMAP：在“收件箱”中将 1 封邮件（UID 2）标记设为 \\Seen")
        #expect(imap("bob@demo.test: read UIDs 1:2 (2 messages) in Shared/office@demo.test/INBOX")
                == "bob@demo.test：IMAP：在“收件箱”中查看了 2 封邮件（UID 1:2）")
        #expect(imap("bob@demo.test: MOVE UIDs 5 (1 message) to an own folder in INBOX")
                == "bob@demo.test：IMAP：将“收件箱”中的 1 封邮件（UID 5）移到自己的文件夹")
        #expect(imap("bob@demo.test: COPY in UIDs 9 (1 message) from INBOX in Sent")
                == "bob@demo.test：IMAP：从“收件箱”复制入“已发送” 1 封邮件（UID 9）")
        #expect(imap("bob@demo.test: EXPUNGE UIDs 4:5 (2 messages) in Trash") == "bob@demo.test：IMAP：从“已删除”彻底删除了 2 封邮件（UID 4:5）")
        #expect(imap("bob@demo.test: CLOSE expunged UIDs 4 (1 message) in INBOX") == "bob@demo.test：IMAP：从“收件箱”彻底删除了 1 封邮件（UID 4）")
        // A folder name holding " in " stays whole.
        #expect(imap("bob@demo.test: read UIDs 3 (1 message) in Plans in 2026")
                == "bob@demo.test：IMAP：在“Plans in 2026”中查看了 1 封邮件（UID 3）")
        #expect(imap("bob@demo.test: MOVE UIDs 5 (1 message) to an own folder in Plans in 2026")
                == "bob@demo.test：IMAP：将“Plans in 2026”中的 1 封邮件（UID 5）移到自己的文件夹")
        // Events stored with the door also in the detail (`IMAP read …`, until stop 52) read the same.
        #expect(zh(action, "bob@demo.test: IMAP read UIDs 1 (1 message) in INBOX") == "bob@demo.test：IMAP：在“收件箱”中查看了 1 封邮件（UID 1）")
        #expect(imap("bob@demo.test: IMAP EXPUNGE UIDs 4:5 (2 messages) in Trash") == "bob@demo.test：IMAP：从“已删除”彻底删除了 2 封邮件（UID 4:5）")
        #expect(en(action, "bob@demo.test: IMAP read UIDs 1 (1 message) in INBOX") == "bob@demo.test: IMAP: read UIDs 1 (1 message) in INBOX")
        // The webmail's shapes are not read as IMAP's, nor IMAP's as the webmail's.
        #expect(zh(action, "bob@demo.test: read UIDs 1 (1 message) in INBOX") == "bob@demo.test：read UIDs 1 (1 message) in INBOX")
        // Searches (B6): the words and what they found.
        #expect(zh(action, "bob@demo.test: searched “季度” in INBOX: 3 found") == "bob@demo.test：在“收件箱”中搜索了 “季度”，找到 3 封")
        #expect(zh(action, "bob@demo.test: searched “a in b” in all folders: 0 found") == "bob@demo.test：在全部文件夹中搜索了 “a in b”，找到 0 封")
        #expect(zh(action, "bob@demo.test: searched “x” in Plans: 2027: 1 found") == "bob@demo.test：在“Plans: 2027”中搜索了 “x”，找到 1 封")
        #expect(en(action, "bob@demo.test: searched “x” in INBOX: 1 found") == "bob@demo.test: searched “x” in INBOX: 1 found")
        #expect(zh(action, "bob@demo.test: searched “tea”, “in town” in Plans: 2 found") == "bob@demo.test：在“Plans”中搜索了 “tea”, “in town”，找到 2 封")
        // The door is named where the detail does not say it (searches and sends read alike from every door).
        func zh(_ detail: String, door: String) -> String { AuditText.shareDetail(kind: action, detail: detail, door: door, language: .zhCN) }
        func en(_ detail: String, door: String) -> String { AuditText.shareDetail(kind: action, detail: detail, door: door, language: .en) }
        #expect(zh("bob@demo.test: searched “x” in 项目: 0 found", door: "imap") == "bob@demo.test：IMAP：在“项目”中搜索了 “x”，找到 0 封")
        #expect(en("bob@demo.test: searched “x” in INBOX: 1 found", door: "imap") == "bob@demo.test: IMAP: searched “x” in INBOX: 1 found")
        #expect(zh("bob@demo.test: sent <a@demo.test> to 1 recipient(s)", door: "smtp") == "bob@demo.test：SMTP：发出邮件 <a@demo.test>，收件人 1 个")
        #expect(zh("bob@demo.test: searched “x” in INBOX: 1 found", door: "web") == "bob@demo.test：在“收件箱”中搜索了 “x”，找到 1 封")
        #expect(zh("bob@demo.test: sent <a@demo.test> to 1 recipient(s)", door: "future") == "bob@demo.test：FUTURE：发出邮件 <a@demo.test>，收件人 1 个")
        // A shape not known: as stored, after the door.
        #expect(zh("bob@demo.test: something new in INBOX", door: "imap") == "bob@demo.test：IMAP：something new in INBOX")
        #expect(zh(action, "bob@demo.test: something new") == "bob@demo.test：something new")
    }
}

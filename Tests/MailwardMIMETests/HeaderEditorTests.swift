import MailwardMIME
import Testing

@Suite struct HeaderEditorTests {
    func edit(_ raw: String, _ addresses: [MailAddress]) -> String {
        String(decoding: HeaderEditor.settingAddressField("Sender", to: addresses, in: Array(raw.utf8)), as: UTF8.self)
    }

    @Test func replacesFoldedFieldsAndInsertsAfterFrom() {
        let raw = "Received: x\r\nsender: a@b.test,\r\n\tc@d.test\r\nFrom: o@x.test\r\nSubject: s\r\n\r\nbody\r\n"
        #expect(edit(raw, [MailAddress(displayName: "Li Si", address: "li@x.test")])
                == "Received: x\r\nFrom: o@x.test\r\nSender: Li Si <li@x.test>\r\nSubject: s\r\n\r\nbody\r\n")
        #expect(edit(raw, []) == "Received: x\r\nFrom: o@x.test\r\nSubject: s\r\n\r\nbody\r\n")
    }

    @Test func keepsBareLineFeedsAndTheBody() {
        let raw = "Subject: s\nSender: z@z.test\n\nSender: not a header\n"
        #expect(edit(raw, [MailAddress(displayName: nil, address: "li@x.test")]) == "Sender: li@x.test\nSubject: s\n\nSender: not a header\n")
    }

    @Test func headerOnlyMessagesAndFieldNamesThatOnlyStartAlike() {
        #expect(edit("From: o@x.test\r\nSender-Extra: keep\r\n", []) == "From: o@x.test\r\nSender-Extra: keep\r\n")
        #expect(edit("From: o@x.test", [MailAddress(displayName: nil, address: "a@b.test")]) == "From: o@x.test\nSender: a@b.test\n")
    }

    @Test func missingFieldsAreAddedAtTheEndOfTheHeaderOnlyWhenAbsent() {
        func add(_ raw: String) -> String {
            String(decoding: HeaderEditor.addingMissingFields([("Date", "Sun, 29 Nov 2026 10:00:00 +0000"), ("Message-ID", "<x@h>")],
                                                             in: Array(raw.utf8)), as: UTF8.self)
        }
        #expect(add("From: a@b.test\r\nmessage-id: <kept@b>\r\n\r\nDate: in the body\r\n")
                == "From: a@b.test\r\nmessage-id: <kept@b>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nDate: in the body\r\n")
        #expect(add("Subject: s\n\nbody\n") == "Subject: s\nDate: Sun, 29 Nov 2026 10:00:00 +0000\nMessage-ID: <x@h>\n\nbody\n")
        #expect(add("Subject: headers only") == "Subject: headers only\nDate: Sun, 29 Nov 2026 10:00:00 +0000\nMessage-ID: <x@h>\n")
        #expect(add("Date: d\r\nMessage-Id: <m@h>\r\n\r\n") == "Date: d\r\nMessage-Id: <m@h>\r\n\r\n")
    }

    @Test func removingFieldsTakesEveryFoldedInstance() {
        let raw = "From: a@b.test\r\nBcc: x@y.test,\r\n z@y.test\r\nTo: t@y.test\r\nBCC: w@y.test\r\n\r\nBcc: body\r\n"
        #expect(String(decoding: HeaderEditor.removingFields(named: "Bcc", in: Array(raw.utf8)), as: UTF8.self)
                == "From: a@b.test\r\nTo: t@y.test\r\n\r\nBcc: body\r\n")
        // Nothing to remove: the message itself, byte for byte (also when it has no header break).
        for unchanged in ["From: a@b.test\r\nTo: t@y.test\r\n\r\nBcc: body\r\n", "From: a@b.test\n", ""] {
            #expect(HeaderEditor.removingFields(named: "Bcc", in: Array(unchanged.utf8)) == Array(unchanged.utf8))
        }
    }
}

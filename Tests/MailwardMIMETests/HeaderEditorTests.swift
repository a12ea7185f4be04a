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
}

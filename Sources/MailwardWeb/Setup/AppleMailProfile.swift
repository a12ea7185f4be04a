import Foundation
import MailwardCore

/// An Apple configuration profile (`.mobileconfig`) that sets up one mail account in iPhone,
/// iPad and Mac Mail in one step: IMAP and SMTP over implicit TLS, with a client-specific password
/// made for it (SPEC B7) — so after two-step verification is turned on the user types nothing.
///
/// The profile is not signed (the device says "unverified" before installing; signing would need
/// a certificate a device trusts, which the embedded default does not have). Its identifier is
/// the same for every profile of one account on one server, so installing a newer profile
/// replaces the older one instead of adding a second account.
enum AppleMailProfile {
    static let contentType = "application/x-apple-aspen-config"

    static func document(address: String, displayName: String, password: String, setup: ClientSetup,
                         language: Language, profileUUID: UUID = UUID(), accountUUID: UUID = UUID()) -> String {
        let en = language == .en
        let identifier = identifier(address: address, hostname: setup.hostname)
        func string(_ key: String, _ value: String) -> String {
            "<key>\(key)</key><string>\(XMLText.escape(value))</string>"
        }
        func integer(_ key: String, _ value: Int) -> String { "<key>\(key)</key><integer>\(value)</integer>" }
        func bool(_ key: String, _ value: Bool) -> String { "<key>\(key)</key>\(value ? "<true/>" : "<false/>")" }
        let account = [
            string("EmailAccountDescription", address),
            string("EmailAccountName", displayName.isEmpty ? address : displayName),
            string("EmailAccountType", "EmailTypeIMAP"),
            string("EmailAddress", address),
            string("IncomingMailServerAuthentication", "EmailAuthPassword"),
            string("IncomingMailServerHostName", setup.hostname),
            integer("IncomingMailServerPortNumber", setup.imapTLS),
            bool("IncomingMailServerUseSSL", true),
            string("IncomingMailServerUsername", address),
            string("IncomingPassword", password),
            string("OutgoingMailServerAuthentication", "EmailAuthPassword"),
            string("OutgoingMailServerHostName", setup.hostname),
            integer("OutgoingMailServerPortNumber", setup.submissionTLS),
            bool("OutgoingMailServerUseSSL", true),
            string("OutgoingMailServerUsername", address),
            bool("OutgoingPasswordSameAsIncomingPassword", true),
            string("PayloadDescription", en ? "Mail account \(address)" : "邮箱帐户 \(address)"),
            string("PayloadDisplayName", address),
            string("PayloadIdentifier", identifier + ".account"),
            string("PayloadType", "com.apple.mail.managed"),
            string("PayloadUUID", accountUUID.uuidString),
            integer("PayloadVersion", 1),
            bool("PreventAppSheet", false),
            bool("PreventMove", false),
            bool("SMIMEEnabled", false),
        ]
        let profile = [
            string("PayloadDescription", en
                ? "Sets up \(address) in Mail with a client-specific password made for this device."
                : "在“邮件”中设置 \(address)，使用为本设备生成的客户端专用密码。"),
            string("PayloadDisplayName", en ? "Mail: \(address)" : "邮箱：\(address)"),
            string("PayloadIdentifier", identifier),
            string("PayloadOrganization", setup.hostname),
            bool("PayloadRemovalDisallowed", false),
            string("PayloadType", "Configuration"),
            string("PayloadUUID", profileUUID.uuidString),
            integer("PayloadVersion", 1),
        ]
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
            <key>PayloadContent</key>
            <array>
            <dict>
            \(account.joined(separator: "\n"))
            </dict>
            </array>
            \(profile.joined(separator: "\n"))
            </dict>
            </plist>

            """
    }

    /// Reverse-DNS, as profile identifiers are: the server's name backwards, then the address
    /// with every byte but ASCII letters, digits and dots written `-XX` (hex) — one identifier per
    /// address (`张三@…` and `李四@…`, `a_b@` and `a+b@` each their own), so one account's profile
    /// never replaces another's on a device that holds both.
    static func identifier(address: String, hostname: String) -> String {
        func encoded(_ text: String) -> String {
            var out = ""
            for byte in text.utf8 {
                let scalar = Unicode.Scalar(byte)
                if byte < 0x80 && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == ".") {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += String(format: "-%02X", byte)
                }
            }
            return out
        }
        let host = hostname.split(separator: ".").reversed().joined(separator: ".")
        return "\(encoded(host)).mailward.\(encoded(address))"
    }

    /// The download's file name: the address (`ContentDisposition` gives browsers a plain-ASCII
    /// stand-in beside it).
    static func fileName(address: String) -> String {
        address.replacingOccurrences(of: "/", with: "_") + ".mobileconfig"
    }
}

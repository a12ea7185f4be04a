import Foundation
import MailwardCore
import MailwardTesting
import Testing
@testable import MailwardWeb

/// The QR code of the authenticator setup (B1), read back by a real decoder: zbarimg (Debian
/// package zbar-tools) reads each symbol from a bitmap the way a phone's camera app would.
@Suite struct QRCodeTests {
    /// Payloads across the versions: 1, with alignment patterns, with version information (7+),
    /// with a 16-bit count (10+), several block sizes, and version 40.
    static let payloads: [String] = [
        "otpauth",
        "otpauth://totp/Mailward:zhang.san@example.edu.cn?secret=JBSWY3DPEHPK3PXP",
        TOTP.uri(secret: Array(repeating: 0xA5, count: 20), issuer: "Mailward", account: "zhang.san@example.edu.cn"),
        TOTP.uri(secret: Array(0..<20), issuer: "某某大学邮件系统", account: "li.si@mail.example-university.edu.cn"),
        String(repeating: "0123456789abcdef", count: 40),
        String(repeating: "x", count: 2_331),
    ]

    @Test(arguments: payloads)
    func zbarReadsWhatWasEncoded(_ text: String) async throws {
        let zbar = try #require(ProcessRunner.which("zbarimg"), "zbarimg is needed (Debian package zbar-tools)")
        let code = try #require(QRCode(bytes: Array(text.utf8)))
        #expect((code.size - 17) % 4 == 0 && code.size >= 21 && code.size <= 177)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pbm")
        try Self.bitmap(code, scale: 4).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try await ProcessRunner.run(zbar, ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == text + "\n", "version \((code.size - 17) / 4)")
    }

    @Test func theSmallestVersionThatHoldsTheBytes() throws {
        // Level M byte capacity: version 1 holds 14 bytes, 2 holds 26, 10 holds 213, 40 holds 2 331.
        for (count, size) in [(14, 21), (15, 25), (26, 25), (27, 29), (213, 57), (214, 61), (2_331, 177)] {
            #expect(QRCode(bytes: Array(repeating: 0x41, count: count))?.size == size, "\(count) bytes")
        }
        #expect(QRCode(bytes: Array(repeating: 0x41, count: 2_332)) == nil)
    }

    @Test func reedSolomonMatchesTheStandardsExample() {
        // ISO 18004 Annex I: version 1-M "01234567" — its 16 data codewords give these 10.
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(ReedSolomon.remainder(data, divisor: ReedSolomon.divisor(degree: 10))
                == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    /// A plain PBM (P4) with a 4-module quiet zone, `scale` pixels per module.
    static func bitmap(_ code: QRCode, scale: Int) -> Data {
        let side = (code.size + 8) * scale
        var data = Data("P4\n\(side) \(side)\n".utf8)
        let rowBytes = (side + 7) / 8
        for py in 0..<side {
            var row = [UInt8](repeating: 0, count: rowBytes)
            let y = py / scale - 4
            for px in 0..<side {
                let x = px / scale - 4
                if (0..<code.size).contains(x), (0..<code.size).contains(y), code[x: x, y: y] {
                    row[px / 8] |= 0x80 >> UInt8(px % 8)
                }
            }
            data.append(contentsOf: row)
        }
        return data
    }
}

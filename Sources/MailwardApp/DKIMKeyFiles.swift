import Foundation
import MailwardCore

/// DKIM signing keys in the data folder: `<data>/dkim/<domain>/<selector>.pem` (mode 0600).
/// A domain may hold several selectors (a key being rotated in): the newest file signs; the
/// older ones stay for as long as their DNS records do. Several server nodes need the same
/// files, like `server.key`.
public enum DKIMKeyFiles {
    /// Every domain's signing key (its newest selector). A key folder that exists but cannot be
    /// read (made by `mailward dkim keygen` as root, the server running as a service account) is
    /// an error, not "no keys": mail would silently go out unsigned.
    public static func load(_ folder: DataFolder) throws -> [DKIMKey] {
        let root = folder.path + "/dkim"
        let manager = FileManager.default
        guard manager.fileExists(atPath: root) else { return [] }
        func list(_ directory: String) throws -> [String] {
            do {
                return try manager.contentsOfDirectory(atPath: directory)
            } catch {
                throw AppError("cannot read the DKIM keys in \(directory) (\(error.localizedDescription)); "
                               + "the server's user needs to read this folder and its .pem files")
            }
        }
        var keys: [DKIMKey] = []
        for domain in try list(root).sorted() {
            let directory = root + "/" + domain
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let files = try list(directory).filter { $0.hasSuffix(".pem") }
            let newest = files.max { a, b in modified(directory + "/" + a) < modified(directory + "/" + b) }
            guard let file = newest else { continue }
            let path = directory + "/" + file
            do {
                keys.append(try DKIMKey(domain: domain, selector: String(file.dropLast(4)),
                                        pem: String(contentsOfFile: path, encoding: .utf8)))
            } catch {
                throw AppError("cannot use the DKIM key \(path): \(error)")
            }
        }
        return keys
    }

    /// Makes a new key for `domain` under `selector` and returns it (its DNS record to publish).
    public static func generate(_ folder: DataFolder, domain: String, selector: String) throws -> DKIMKey {
        guard !selector.isEmpty, selector.count <= 63,
              selector.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw AppError("a selector is letters, digits and '-' (up to 63), e.g. mw2026")
        }
        let directory = folder.path + "/dkim/" + domain
        let path = directory + "/" + selector + ".pem"
        guard !FileManager.default.fileExists(atPath: path) else {
            throw AppError("\(domain) already has a DKIM key with selector \(selector); choose another selector")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let key = try DKIMKey.generate(domain: domain, selector: selector)
        guard FileManager.default.createFile(atPath: path, contents: Data(key.pem.utf8), attributes: [.posixPermissions: 0o600])
        else { throw AppError("cannot write the DKIM key \(path)") }
        return key
    }

    private static func modified(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }
}

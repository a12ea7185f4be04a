import Foundation
import MailwardCore
import MailwardNet
import MailwardMIME

/// Attachments uploaded by the compose page before the message is sent or saved: kept in
/// memory per account for an hour, bounded per file and per account, referenced by a random id.
actor UploadStore {
    struct Upload: Sendable {
        var account: AccountID
        var filename: String
        var contentType: String
        var data: [UInt8]
        var createdAt: Date
        /// What the upload holds of the server's message memory budget while it waits here
        /// (given back when it is sent, removed or expires).
        var memory: MemoryReservation?
    }

    let perAccountLimit: Int
    let lifetime: TimeInterval = 3600
    private var uploads: [String: Upload] = [:]

    init(perAccountLimit: Int) {
        self.perAccountLimit = perAccountLimit
    }

    /// Stores an upload; nil when the account's uploads would exceed the limit.
    func put(_ upload: Upload) -> String? {
        expire(now: upload.createdAt)
        let used = uploads.values.filter { $0.account == upload.account }.reduce(0) { $0 + $1.data.count }
        guard used + upload.data.count <= perAccountLimit else { return nil }
        let id = SecretToken.generate(SystemRandomSource())
        uploads[id] = upload
        return id
    }

    func get(_ id: String, account: AccountID) -> Upload? {
        expire(now: Date())
        guard let upload = uploads[id], upload.account == account else { return nil }
        return upload
    }

    /// Forgets uploads that were sent or saved in a draft (their memory goes back to the budget).
    func remove(_ ids: [String], account: AccountID) {
        for id in ids where uploads[id]?.account == account { uploads[id] = nil }
        expire(now: Date())
    }

    private func expire(now: Date) {
        uploads = uploads.filter { now.timeIntervalSince($0.value.createdAt) < lifetime }
    }
}

/// `multipart/form-data` (RFC 7578) read with the MIME parser: the body is a MIME multipart
/// whose boundary is in the request's Content-Type.
enum MultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var contentType: String
        var data: [UInt8]
    }

    static func parse(contentType: String, body: [UInt8]) -> [Part]? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        let header = Array("Content-Type: \(contentType.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: ""))\r\n\r\n".utf8)
        let message = header + body
        let structure = MIMEParser.parseStructure(message).bodyStructure
        guard structure.isMultipart else { return nil }
        return structure.children.compactMap { part in
            guard let disposition = part.disposition,
                  let name = MIMEParameters.decodedValue("name", in: disposition.parameters) else { return nil }
            return Part(name: name, filename: part.filename, contentType: part.mimeType, data: part.decodedBody(in: message))
        }
    }
}

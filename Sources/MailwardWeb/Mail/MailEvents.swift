import Foundation
import Hummingbird
import MailwardCore
import NIOCore

/// `GET /api/v1/events`: server-sent events telling the open webmail page that one of the
/// account's folders changed (new mail, flags, expunge), backed by Core's `MailboxEvents`.
/// A stream lasts at most `lifetime` (the browser's EventSource reconnects by itself), so a
/// graceful shutdown never waits long for it.
enum MailEvents {
    static let lifetime: Duration = .seconds(25)

    static func stream(access: MailAccess, ids: MailIDs) async throws -> Response {
        let boxes = try await access.mail.store.mailboxes(accountID: access.account.id)
        let events = access.mail.events
        let account = access.account.id
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
            let (changes, continuation) = AsyncStream<(MailboxID, String)>.makeStream(bufferingPolicy: .bufferingNewest(64))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for box in boxes {
                    let stream = events.subscribe(box.id)
                    group.addTask {
                        for await change in stream { continuation.yield((box.id, Self.kind(change))) }
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: lifetime)
                    continuation.finish()
                }
                for await (id, kind) in changes {
                    let data = "{\"mailbox_id\":\"\(ids.mailbox(id, account))\",\"kind\":\"\(kind)\"}"
                    try await writer.write(ByteBuffer(string: "event: change\ndata: \(data)\n\n"))
                }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"], body: body)
    }

    static func kind(_ change: MailboxChange) -> String {
        switch change {
        case .appended: "appended"
        case .flagsChanged: "flags"
        case .expunged: "expunged"
        case .renamed: "renamed"
        case .deleted: "deleted"
        }
    }
}

import Foundation
import Hummingbird
import MailwardCore
import NIOCore
import ServiceLifecycle

/// `GET /api/v1/events`: server-sent events telling the open webmail page that one of the
/// account's folders changed (new mail, flags, expunge), backed by Core's `MailboxEvents`.
/// A stream lasts at most `lifetime` (the browser's EventSource reconnects by itself), so a
/// graceful shutdown never waits long for it; a shutdown also ends it at once, and a heartbeat
/// every few seconds notices browsers that left. Before each change it tells, the stream asks
/// whether its session is still open (`stillOpen`): a page signed out elsewhere, or whose session
/// a password change ended, hears nothing more.
enum MailEvents {
    static let lifetime: Duration = .seconds(25)
    static let heartbeat: Duration = .seconds(3)

    static func stream(access: MailAccess, ids: MailIDs, stillOpen: @escaping @Sendable () async -> Bool) async throws -> Response {
        let boxes = try await access.mail.store.mailboxes(accountID: access.account.id)
        let events = access.mail.events
        let account = access.account.id
        let body = ResponseBody { writer in
            // Subscribed before the page hears "connected": a change right after it is not lost.
            let subscriptions = boxes.map { ($0.id, events.subscribe($0.id)) }
            try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
            // nil is a heartbeat: writing it notices a browser that went away.
            let (changes, continuation) = AsyncStream<(MailboxID, String)?>.makeStream(bufferingPolicy: .bufferingNewest(64))
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (id, stream) in subscriptions {
                        group.addTask {
                            for await change in stream { continuation.yield((id, Self.kind(change))) }
                        }
                    }
                    group.addTask {
                        var waited: Duration = .zero
                        while waited < lifetime && !Task.isCancelled {
                            try? await Task.sleep(for: heartbeat)
                            waited += heartbeat
                            continuation.yield(nil)
                        }
                        continuation.finish()
                    }
                    for await event in changes {
                        guard let (id, kind) = event else {
                            try await writer.write(ByteBuffer(string: ": ping\n\n"))
                            continue
                        }
                        guard await stillOpen() else { break }
                        let data = "{\"mailbox_id\":\"\(ids.mailbox(id, account))\",\"kind\":\"\(kind)\"}"
                        try await writer.write(ByteBuffer(string: "event: change\ndata: \(data)\n\n"))
                    }
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                continuation.finish()
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
        case .accessChanged: "access"
        case .mayHaveChanged: "changed"
        }
    }
}

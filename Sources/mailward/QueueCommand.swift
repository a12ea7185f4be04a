import ArgumentParser
import Foundation
import MailwardApp
import MailwardCore

/// `mailward queue …`: look at and steer the outbound queue. Only touches the database, so it
/// works while the server runs (the worker sees changes at its next poll).
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Inspect and manage the outbound delivery queue.",
        subcommands: [List.self, Retry.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queued messages and their recipients.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let messages = try await runtime.deliveryQueue.store.allMessages()
                if messages.isEmpty { print("queue is empty") }
                let format = ISO8601DateFormatter()
                for message in messages {
                    let sender = message.sender.isEmpty ? "<>" : message.sender
                    print("\(message.id)\t\(format.string(from: message.createdAt))\t\(message.size) bytes\tfrom \(sender)")
                    for recipient in message.recipients {
                        // A recipient a worker holds now is being sent: its "next attempt" is only the claim's lease.
                        let sending = recipient.state == .pending && (recipient.claimedUntil.map { $0 > Date() } ?? false)
                        var line = "  \(recipient.address)\t\(sending ? "sending" : recipient.state.rawValue)\tattempts \(recipient.attempts)"
                        if recipient.state == .pending, !sending { line += "\tnext \(format.string(from: recipient.nextAttemptAt))" }
                        if let error = recipient.lastError { line += "\t\(error.replacingOccurrences(of: "\n", with: " "))" }
                        print(line)
                    }
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a queued message (or, with --all, every one) due now.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The queue id (see `queue list`).") var id: String?
        @Flag(name: .long, help: "Every queued message.") var all = false

        func run() async throws {
            try await administer {
                guard (id == nil) == all else { throw AppError("give a queue id or --all") }
                let runtime = try await global.openRuntime()
                // No server on the folder: what it had claimed when it stopped is free again
                // (and counted below with the rest).
                if !runtime.storeIsShared, let lock = try? ServerLock(runtime.folder) {
                    _ = try await runtime.releaseDeadClaims()
                    withExtendedLifetime(lock) {}
                }
                let changed = try await runtime.deliveryQueue.store.retryNow(id: id, now: runtime.clock.now)
                if let id, changed == 0 { throw AppError("no pending message \(id) in the queue (or it is being sent now)") }
                print("\(changed) recipient(s) due now")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a message from the queue without delivering it (no bounce).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The queue id (see `queue list`).") var id: String

        func run() async throws {
            try await administer {
                guard try await global.openRuntime().deliveryQueue.store.delete(id: id) else {
                    throw AppError("no message \(id) in the queue")
                }
                print("deleted \(id)")
            }
        }
    }
}

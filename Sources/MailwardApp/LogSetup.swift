import Foundation
import Logging
import MailwardConfig

/// Process-wide logging as configured (`log.level`, `log.format`). Called once by the executable.
public enum LogSetup {
    /// Names the local time zone in `TZ` when the environment names none, before any thread
    /// starts. The text log's time stamp comes from `localtime(3)`, and with `TZ` unset glibc
    /// looks at `/etc/localtime` again for every call (a `stat` per log line, in every door's
    /// sessions); with `TZ` naming the same file it reads it once. The time shown stays the
    /// system's local time; a change of the system's zone shows after a restart.
    /// Call first thing in `main`: `setenv` must not race another thread's `getenv`.
    public static func pinLocalTimeZone() {
        guard getenv("TZ") == nil else { return }
        setenv("TZ", ":/etc/localtime", 0)
    }

    public static func bootstrap(_ settings: MailwardConfiguration.LogSettings) {
        let level = Logger.Level(rawValue: settings.level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = settings.format == "json"
                ? JSONLogHandler(label: label)
                : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// One JSON object per line on standard error: `{"ts","level","label","msg",…metadata}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard let line = line(for: event, at: Date()) else { return }
        FileHandle.standardError.write(line)
    }

    /// The event's line, `\n` included. The time is UTC to the second (`2026-12-01T10:00:05Z`),
    /// formatted by a value-type style: a Foundation `ISO8601DateFormatter` made for every line
    /// cost more than the rest of the line.
    func line(for event: LogEvent, at date: Date) -> Data? {
        var object: [String: String] = [
            "ts": date.formatted(Self.timestamp),
            "level": event.level.rawValue,
            "label": label,
            "msg": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = value.description
        }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        data.append(0x0A)
        return data
    }

    private static let timestamp = Date.ISO8601FormatStyle()
}

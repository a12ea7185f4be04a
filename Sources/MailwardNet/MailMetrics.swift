import Metrics
import Synchronization

/// What the doors count, through swift-metrics (`mailward serve` bootstraps it with the
/// Prometheus registry that `/metrics` prints). Labels are small fixed sets — door names and
/// outcomes, never addresses or IPs — so the number of series stays bounded.
public enum MailMetrics {
    /// One door's connection counters: accepted, refused over the limits, open now.
    public struct Connections: Sendable {
        public let accepted: Counter
        public let refused: Counter
        public let open: Meter

        public init(door: String) {
            let dimensions = [("door", door)]
            accepted = Counter(label: "mailward_connections_total", dimensions: dimensions)
            refused = Counter(label: "mailward_connections_refused_total", dimensions: dimensions)
            open = Meter(label: "mailward_connections_open", dimensions: dimensions)
        }
    }

    /// A sign-in attempt at a mail door: `success`, `failure` or `client_password_required`.
    public static func login(door: String, result: String) {
        Counter(label: "mailward_logins_total", dimensions: [("door", door), ("result", result)]).increment()
    }

    /// A message handed to an SMTP door: `accepted` (durably stored or queued), `rejected`
    /// (refused for what it is: sender, size, quota) or `failed` (a temporary failure here).
    public static func smtpMessage(door: String, result: String, bytes: Int) {
        counter("mailward_smtp_messages_total", door: door, result: result).increment()
        if result == "accepted" {
            counter("mailward_smtp_message_bytes_total", door: door, result: nil).increment(by: bytes)
        }
    }

    /// Counters asked for once per message, made once: making one asks the metrics system's
    /// registry under its lock every time. (Made after `MetricsSystem.bootstrap`, as every
    /// counter here is: `serve` bootstraps before any door opens.)
    private static let counters = Mutex<[String: Counter]>([:])

    private static func counter(_ label: String, door: String, result: String?) -> Counter {
        let key = label + "|" + door + "|" + (result ?? "")
        return counters.withLock { counters in
            if let counter = counters[key] { return counter }
            var dimensions = [("door", door)]
            if let result { dimensions.append(("result", result)) }
            let counter = Counter(label: label, dimensions: dimensions)
            counters[key] = counter
            return counter
        }
    }

    /// The outbound queue as it is now (set when `/metrics` is read): messages and recipients
    /// still to deliver, and how long the oldest of them has waited (0 when none waits).
    public static func outboundQueue(messages: Int, recipients: Int, oldestWaitSeconds: Double) {
        Gauge(label: "mailward_outbound_queue_messages").record(messages)
        Gauge(label: "mailward_outbound_queue_recipients").record(recipients)
        Gauge(label: "mailward_outbound_queue_oldest_seconds").record(oldestWaitSeconds)
    }

    /// Text messages sent this calendar month, all nodes together (B8: compare with
    /// `two-step.monthly-sms-limit` before it stops the codes).
    public static func smsThisMonth(_ sent: Int) {
        Gauge(label: "mailward_sms_sent_this_month").record(sent)
    }

    /// One outbound delivery attempt's end for a recipient: `delivered`, `deferred` or `bounced`.
    public static func outbound(result: String, recipients: Int = 1) {
        Counter(label: "mailward_outbound_recipients_total", dimensions: [("result", result)]).increment(by: recipients)
    }
}

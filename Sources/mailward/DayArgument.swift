import Foundation
import MailwardApp
import MailwardCore

// Days on the command line (`share add --until`, `policy two-step enforce --grace-until`): an
// administrator names a last day, and it lasts through its end (Core's `LastDay`).

/// `2027-01-31` → the end of that day in the server's time zone, or a one-line error.
func parseLastDay(_ text: String) throws -> Date {
    guard let end = LastDay.end(of: text) else { throw AppError("expected a day as YYYY-MM-DD, got \(text)") }
    return end
}

/// The last day of something that ends at `end`, as ``parseLastDay(_:)`` takes it.
func dayText(_ end: Date) -> String {
    LastDay.text(of: end)
}

import MailwardCore
import Testing

/// SMTP's DSN extension (RFC 3461): what a request reports for whom, and its stored form.
@Suite struct DeliveryNotificationsTests {
    /// Without NOTIFY a failure and a delay are reported and a success is not; NEVER reports
    /// nothing; a list reports what it names. Addresses are compared without case.
    @Test func whatIsReportedForWhom() {
        let request = DeliveryNotifications(recipients: [
            "a@x.test": .init(notify: [.success]),
            "b@x.test": .init(notify: []),
            "c@x.test": .init(originalRecipient: "rfc822;C@X.test"),
        ])
        #expect(request.reports(.success, for: "A@X.test") && !request.reports(.failure, for: "a@x.test"))
        #expect(DeliveryNotifications.Event.allCases.allSatisfy { !request.reports($0, for: "b@x.test") })
        for address in ["c@x.test", "d@x.test"] {
            #expect(request.reports(.failure, for: address) && request.reports(.delay, for: address))
            #expect(!request.reports(.success, for: address))
        }
        #expect(DeliveryNotifications.reports(.failure, for: "a@x.test", in: nil))
        #expect(!DeliveryNotifications.reports(.success, for: "a@x.test", in: nil))
        #expect(request.queued(for: ["B@x.test", "e@x.test"]).recipients == ["b@x.test": .init(notify: [])])
        // A full mailbox's copy, queued under the account's own address, keeps what was asked
        // for the address written (an alias).
        #expect(request.queued(for: [], renamed: [("A@x.test", "owner@x.test")]).recipients == ["owner@x.test": .init(notify: [.success])])
    }

    /// A request with nothing in it is none; a stored one reads back the same.
    @Test func storedFormRoundTrips() {
        #expect(DeliveryNotifications(recipients: ["a@x.test": .init()]).isEmpty)
        #expect(OutboundMessage(id: "q", sender: "s@x.test", recipients: ["a@x.test"], raw: [1], createdAt: .now,
                                notifications: DeliveryNotifications()).notifications == nil)
        let request = DeliveryNotifications(envelopeID: "id 1", returned: .full,
                                            recipients: ["a@x.test": .init(notify: [.delay, .failure], originalRecipient: "rfc822;a@x.test")])
        #expect(DeliveryNotifications.stored(request.storedJSON) == request)
        #expect(DeliveryNotifications.stored(nil) == nil && DeliveryNotifications.stored("not json") == nil)
    }
}

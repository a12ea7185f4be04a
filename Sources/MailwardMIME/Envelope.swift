/// The IMAP ENVELOPE (RFC 3501 §7.4.2) of a message: raw header values, parsed addresses.
public struct Envelope: Sendable, Codable, Equatable, Hashable {
    public var date: String?
    public var subject: String?
    public var from: [EnvelopeAddress]
    public var sender: [EnvelopeAddress]
    public var replyTo: [EnvelopeAddress]
    public var to: [EnvelopeAddress]
    public var cc: [EnvelopeAddress]
    public var bcc: [EnvelopeAddress]
    public var inReplyTo: String?
    public var messageID: String?

    public init(date: String? = nil, subject: String? = nil, from: [EnvelopeAddress] = [], sender: [EnvelopeAddress] = [],
                replyTo: [EnvelopeAddress] = [], to: [EnvelopeAddress] = [], cc: [EnvelopeAddress] = [],
                bcc: [EnvelopeAddress] = [], inReplyTo: String? = nil, messageID: String? = nil) {
        self.date = date
        self.subject = subject
        self.from = from
        self.sender = sender
        self.replyTo = replyTo
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.inReplyTo = inReplyTo
        self.messageID = messageID
    }

    /// Builds the envelope from a header, applying RFC 3501 defaulting: an absent or empty Sender
    /// or Reply-To is the From list. Empty lists are sent as NIL by the IMAP encoder.
    public init(headers: [HeaderField]) {
        let from = EnvelopeAddress.list(from: headers.first(named: "From"))
        let sender = EnvelopeAddress.list(from: headers.first(named: "Sender"))
        let replyTo = EnvelopeAddress.list(from: headers.first(named: "Reply-To"))
        self.init(
            date: headers.first(named: "Date"),
            subject: headers.first(named: "Subject"),
            from: from,
            sender: sender.isEmpty ? from : sender,
            replyTo: replyTo.isEmpty ? from : replyTo,
            to: EnvelopeAddress.list(from: headers.first(named: "To")),
            cc: EnvelopeAddress.list(from: headers.first(named: "Cc")),
            bcc: EnvelopeAddress.list(from: headers.first(named: "Bcc")),
            inReplyTo: headers.first(named: "In-Reply-To"),
            messageID: headers.first(named: "Message-ID"))
    }
}

import MailwardCore

/// Core's answer about one RCPT TO address.
public enum RecipientVerdict: Hashable, Sendable {
    /// A local account (directly or through an alias).
    case local(AccountID)
    /// A local domain, but nobody by that name.
    case unknownUser
    /// A disabled account: 550 5.2.1 (RFC 3463 "mailbox disabled, not accepting messages").
    case mailboxDisabled
    /// Not one of our domains.
    case remote
    /// The account is over its quota (`permanent`: the limit itself is too small for any mail).
    case mailboxFull(permanent: Bool)
    /// The directory could not be asked.
    case temporaryFailure
}

/// Core's answer after a message was handed over.
public enum DeliveryOutcome: Hashable, Sendable {
    /// Durably stored/queued.
    case accepted(queueID: String)
    /// The `From:` header names an address the account may not send as.
    case senderNotAllowed
    /// The `From:` header names a shared mailbox whose permission does not allow sending.
    case sharePermissionForbids(SharePermission)
    /// The message has no `From:` address at all (RFC 5322 §3.6 requires one).
    case fromMissing
    case mailboxFull(permanent: Bool)
    case temporaryFailure
    /// A content filter refused it for good (a virus, certain spam): 554 5.7.1.
    case contentRejected(String)
    /// A content filter said not now, or could not be asked: 451 4.7.1.
    case contentDeferred(String)
    /// Submitted mail past the account's ``SendingLimits``: 451 4.7.1 (later), or 550 5.7.1
    /// when the message alone has more outside recipients than a limit.
    case sendingLimitReached(SendingLimitReached)
}

/// Core's answer about an envelope sender of an authenticated session.
public enum SenderVerdict: Hashable, Sendable {
    case allowed
    /// Not an address the account may send as.
    case notAllowed
    /// A shared mailbox's address, and the permission does not allow sending (read only).
    case sharePermissionForbids(SharePermission)
    /// The login itself is no longer good: the account was disabled, its password changed or the
    /// client-specific password deleted or expired since AUTH (which: the reply's words). The
    /// session ends (as IMAP and POP3 do).
    case loginRevoked(CredentialRevocation)
    /// The answer cannot be had now (the store cannot be reached): 451, try again later.
    case temporaryFailure
}

/// Core's answer to an AUTH attempt (``CredentialResult`` minus what the session needs not know).
public enum AuthenticationOutcome: Hashable, Sendable {
    /// The account and the credential it signed in with (checked again at every MAIL).
    case success(Account, ClientCredential)
    case invalid
    /// The account password was right, but a client-specific password is needed (SPEC A8).
    case clientPasswordRequired
    /// A right client-specific password that does not open SMTP (now): SPEC B4.
    case clientPasswordLimited(ClientPasswordLimit)
    /// The credential could not be checked now (the store is unavailable): 454, try again.
    case temporaryFailure
}

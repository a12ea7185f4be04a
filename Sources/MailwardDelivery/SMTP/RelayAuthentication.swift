import SMTPCodec

/// SMTP AUTH (RFC 4954) towards a relay: PLAIN (RFC 4616) with the credentials in the first
/// line, or LOGIN where only that is offered. Runs only over TLS whose certificate verified
/// (``SMTPClientTransport`` makes sure), so the password is never readable on the way.
enum RelayAuthentication {
    /// Logs in; nil on success (235), else why not — the relay's reply, or that it offers
    /// neither mechanism. Nothing here bounces a message: a refused login is the configuration's
    /// fault, so the queue retries until it is fixed (or the message expires).
    static func logIn(_ connection: SMTPClientConnection, _ login: RelayLogin, offered: Set<String>) async throws -> String? {
        if offered.contains("PLAIN") {
            let initial = SASLPlain.encode(.init(authorizationID: nil, authenticationID: login.username, password: login.password))
            try await connection.send([.auth(mechanism: "PLAIN", initialResponse: initial)])
            return Self.refusal(try await connection.readReply())
        }
        if offered.contains("LOGIN") {
            try await connection.send([.auth(mechanism: "LOGIN", initialResponse: nil)])
            for answer in [login.username, login.password] {
                let challenge = try await connection.readReply()
                guard challenge.code == 334 else { return Self.refusal(challenge) }
                try await connection.send([.authenticationResponse(SASLBase64.encode(Array(answer.utf8)))])
            }
            return Self.refusal(try await connection.readReply())
        }
        return "it offers neither AUTH PLAIN nor AUTH LOGIN" + (offered.isEmpty ? "" : " (\(offered.sorted().joined(separator: " ")))")
    }

    private static func refusal(_ reply: SMTPReply) -> String? {
        reply.code == 235 ? nil : "\(reply)"
    }
}

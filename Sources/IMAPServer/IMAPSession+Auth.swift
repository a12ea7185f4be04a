import IMAPCodec
import MailwardCore
import MailwardNet
import NIOCore
import SMTPCodec

/// Not-authenticated state: ID, STARTTLS, LOGIN, AUTHENTICATE PLAIN (with SASL-IR).
extension IMAPSession {
    func identify(_ parameters: [IDParameter]?) async -> StatusResponse {
        let name = parameters?.first { $0.key.lowercased() == "name" }?.value
        state.didIdentify(clientName: name)
        if let login = state.login, let clientName = state.clientName {
            await door.authenticator.noteClient(clientName, of: login.credential, door: .imap, remoteIP: connection.remoteIP)
        }
        send(.untagged(.id([IDParameter(key: "name", value: "Mailward"), IDParameter(key: "vendor", value: "Mailward")])))
        return ok("ID completed")
    }

    func startTLS(tag: String) async throws -> StatusResponse? {
        guard let context = door.settings.tlsContext else {
            return StatusResponse(.no, code: .unavailable, text: "TLS is not available")
        }
        await flush()
        let response = encoder.bytes(of: .tagged(tag: tag, ok("Begin TLS negotiation now")))
        // Anything the client sent after STARTTLS arrived in clear: drop it (RFC 3501 §6.2.1).
        inbound.clear()
        decoder = IMAPCommandDecoder(limits: Self.preAuthLimits(door.settings.limits))
        try await connection.startTLS(context: context, response: response)
        state.didStartTLS()
        return nil
    }

    /// COMPRESS DEFLATE (RFC 4978): the OK goes out as it is, everything after it compressed
    /// both ways. A client compresses only once it has the OK, so bytes it sent in between
    /// are dropped, as after STARTTLS.
    func startCompression(tag: String) async throws -> StatusResponse? {
        await flush()
        let response = encoder.bytes(of: .tagged(tag: tag, ok("DEFLATE active")))
        inbound.clear()
        try await connection.startCompression(response: response)
        state.didStartCompression()
        return nil
    }

    func logIn(username: String, password: String) async -> StatusResponse {
        await checkCredentials(username: username, password: password)
    }

    func authenticate(tag: String, mechanism: String, initialResponse: [UInt8]?) async -> StatusResponse? {
        guard mechanism.uppercased() == "PLAIN" else {
            return StatusResponse(.no, code: .cannot, text: "Unsupported authentication mechanism")
        }
        var response = initialResponse
        if response == nil {
            send(.continuation(""))
            await flush()
            decoder.expectAuthenticateResponse()
            while response == nil, !finished {
                switch decoder.next(&inbound) {
                case .needMoreData:
                    guard await readMore() else { return nil }
                case .authenticateResponse(.data(let bytes)):
                    response = bytes
                case .authenticateResponse(.cancelled):
                    return StatusResponse(.bad, text: "Authentication cancelled")
                case .error(let error):
                    return StatusResponse(.bad, text: error.description)
                default:
                    return StatusResponse(.bad, text: "Unexpected input during authentication")
                }
            }
        }
        guard let response, let credentials = SASLPlain.decode(bytes: response) else {
            return StatusResponse(.bad, text: "Malformed PLAIN response")
        }
        if let authzid = credentials.authorizationID, authzid.lowercased() != credentials.authenticationID.lowercased() {
            return StatusResponse(.no, code: .authorizationFailed, text: "Acting as another user is not allowed")
        }
        return await checkCredentials(username: credentials.authenticationID, password: credentials.password)
    }

    /// The one credential check (ProtocolAuthenticator), and SPEC A8's refusal text.
    func checkCredentials(username: String, password: String) async -> StatusResponse {
        let result = await door.authenticator.authenticate(username: username, password: password, door: .imap,
                                                            remoteIP: connection.remoteIP, clientID: state.clientName)
        MailMetrics.login(door: "imap", result: result.metricsLabel)
        if case .valid(let account, let credential) = result {
            state.didLogIn(account, credential: credential)
            decoder.limits = door.settings.limits
            logger.info("IMAP login", metadata: ["account": "\(account.address)", "ip": "\(connection.remoteIP)"])
        } else {
            logger.notice("login failed", metadata: ["ip": "\(connection.remoteIP)", "user": "\(LogText.quoted(username))"])
        }
        let answer = IMAPSessionState.loginAnswer(result, capabilities: state.capabilities)
        for response in answer.untagged { send(.untagged(response)) }
        return answer.status
    }
}

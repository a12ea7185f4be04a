import Foundation
import MailwardTesting
import Testing

/// Real clients: Python's smtplib and swaks (Debian), against the in-process server.
@Suite(.serialized) struct ThirdPartyClientTests {
    static let python = """
    import smtplib, ssl, sys
    from email.message import EmailMessage
    port, tls_port, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    # Submission with STARTTLS and the self-signed certificate, AUTH, send_message.
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as s:
        s.ehlo("python-client")
        assert s.has_extn("starttls"), "no STARTTLS"
        s.starttls(context=context)
        s.ehlo("python-client")
        assert "PLAIN" in s.esmtp_features.get("auth", ""), s.esmtp_features
        s.login("alice@example.test", password)
        m = EmailMessage()
        m["From"] = "Alice <alice@example.test>"
        m["To"] = "bob@example.test"
        m["Subject"] = "smtplib über STARTTLS 你好"
        m.set_content("Hello from smtplib\\n.\\nwith a dot line\\n")
        refused = s.send_message(m)
        assert refused == {}, refused
        # sendmail to several local users, one of them an alias.
        refused = s.sendmail("alice@example.test", ["bob@example.test", "info@example.test"],
                             b"From: alice@example.test\\r\\nSubject: plain sendmail\\r\\n\\r\\nbody\\r\\n")
        assert refused == {}, refused
        try:
            s.sendmail("alice@example.test", ["bob@example.test"], b"From: ceo@example.test\\r\\nSubject: forged\\r\\n\\r\\nx\\r\\n")
            raise SystemExit("forged From: was accepted")
        except smtplib.SMTPDataError as e:
            assert e.smtp_code == 550, e

    # Implicit TLS with AUTH LOGIN.
    with smtplib.SMTP_SSL("127.0.0.1", tls_port, context=context, timeout=20) as s:
        s.ehlo("python-client")
        s.user, s.password = "alice@example.test", password
        code, _ = s.auth("LOGIN", s.auth_login)
        assert code == 235, code
        s.sendmail("alice@example.test", ["bob@example.test"], b"From: alice@example.test\\r\\nSubject: over 465\\r\\n\\r\\nbody\\r\\n")
    with smtplib.SMTP_SSL("127.0.0.1", tls_port, context=context, timeout=20) as s:
        try:
            s.login("alice@example.test", "wrong password")
            raise SystemExit("wrong password accepted")
        except smtplib.SMTPAuthenticationError as e:
            assert e.smtp_code == 535, e
    print("python-ok")
    """

    @Test func pythonSmtplibStartTLSAuthAndSend() async throws {
        let python = try #require(which("python3"), "python3 is needed")
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let port = await server.port(.submission)
        let tlsPort = await server.port(.submissionTLS)
        let result = try await run(python, ["-c", Self.python, "\(port)", "\(tlsPort)", password])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("python-ok"))
        let bob = try await server.messages(of: "bob@example.test")
        #expect(bob.count == 3)  // send_message, sendmail (bob and his alias: one copy), 465
        #expect(bob.contains { $0.contains("Subject: smtplib") && $0.contains("with ESMTPSA (using TLS)") })
        #expect(try await server.messages(of: "alice@example.test", in: "Sent").count == 3)
    }

    @Test func swaksPipeliningTLSAndAuth() async throws {
        let swaks = try #require(which("swaks"), "swaks is needed (Debian package swaks)")
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let mx = await server.port(.smtp)
        let submission = await server.port(.submission)
        let tlsPort = await server.port(.submissionTLS)
        let runs: [[String]] = [
            // MX with pipelining and opportunistic STARTTLS.
            ["--server", "127.0.0.1", "--port", "\(mx)", "--from", "carol@elsewhere.test", "--to", "bob@example.test",
             "--pipeline", "--tls", "--header", "Subject: swaks mx", "--body", "via swaks"],
            // Submission: STARTTLS + AUTH PLAIN.
            ["--server", "127.0.0.1", "--port", "\(submission)", "--from", "alice@example.test", "--to", "bob@example.test",
             "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.test", "--auth-password", password,
             "--header", "From: alice@example.test", "--header", "Subject: swaks submission", "--body", "via swaks"],
            // Implicit TLS + AUTH LOGIN + pipelining.
            ["--server", "127.0.0.1", "--port", "\(tlsPort)", "--from", "alice@example.test", "--to", "bob@example.test",
             "--tlsc", "--pipeline", "--auth", "LOGIN", "--auth-user", "alice@example.test", "--auth-password", password,
             "--header", "From: alice@example.test", "--header", "Subject: swaks smtps", "--body", "via swaks"],
        ]
        for arguments in runs {
            let result = try await run(swaks, arguments + ["--timeout", "20"])
            #expect(result.status == 0, "\(arguments): \(result.output)")
        }
        // An open-relay probe fails.
        let relay = try await run(swaks, ["--server", "127.0.0.1", "--port", "\(mx)", "--from", "x@elsewhere.test", "--to", "y@far.test",
                                          "--timeout", "20"])
        #expect(relay.status != 0)
        #expect(relay.output.contains("550 5.7.1"))
        let subjects = try await server.messages(of: "bob@example.test").compactMap { message in
            message.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") }
        }
        #expect(Set(subjects) == ["Subject: swaks mx", "Subject: swaks submission", "Subject: swaks smtps"])
    }

    /// What Thunderbird, Outlook, iPhone Mail and Foxmail do after sending: APPEND their own copy
    /// to Sent, where the submission door already filed one. The folder keeps one copy, and the
    /// client's APPENDUID names it; another message and another folder are stored as usual.
    static let sendThenFile = #"""
    import imaplib, re, smtplib, ssl, sys
    from email.message import EmailMessage
    port, imap_port, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    m = EmailMessage()
    m["From"] = "Alice <alice@example.test>"
    m["To"] = "bob@example.test"
    m["Bcc"] = "info@example.test"
    m["Subject"] = "季度报告"
    m["Message-ID"] = "<q3-report@example.test>"
    m.set_content("见附件。\n")
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as s:
        s.starttls(context=context)
        s.login("alice@example.test", password)
        assert s.send_message(m) == {}
    copy = m.as_bytes().replace(b"\n", b"\r\n")
    imap = imaplib.IMAP4("127.0.0.1", imap_port)
    imap.login("alice@example.test", password)
    typ, data = imap.select("Sent")
    assert typ == "OK" and data == [b"1"], (typ, data)
    typ, data = imap.uid("SEARCH", "ALL")
    filed = data[0].decode()
    typ, data = imap.append("Sent", r"(\Seen)", None, copy)
    assert typ == "OK", (typ, data)
    appended = re.search(rb"APPENDUID \d+ (\d+)", data[0]).group(1).decode()
    assert appended == filed, (appended, filed)
    other = copy.replace(b"<q3-report@", b"<q4-report@")
    assert imap.append("Sent", r"(\Seen)", None, other)[0] == "OK"
    assert imap.append("Drafts", None, None, copy)[0] == "OK"
    typ, data = imap.uid("SEARCH", "ALL")
    assert len(data[0].split()) == 2, data
    imap.logout()
    print("sent-copy-ok")
    """#

    @Test func aClientsOwnSentCopyIsNotStoredTwice() async throws {
        let python = try #require(which("python3"), "python3 is needed")
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let result = try await run(python, ["-c", Self.sendThenFile, "\(await server.port(.submission))",
                                            "\(await server.port(.imap))", password])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("sent-copy-ok"))
        let sent = try await server.messages(of: "alice@example.test", in: "Sent")
        #expect(sent.count == 2)
        // The copy kept is the server's, and it names the blind copy smtplib left out of DATA.
        #expect(sent.filter { $0.contains("q3-report") }.count == 1)
        #expect(sent.contains { $0.contains("q3-report") && $0.contains("Bcc: info@example.test") && !$0.contains("Received:") })
        #expect(try await server.messages(of: "alice@example.test", in: "Drafts").count == 1)
    }
}

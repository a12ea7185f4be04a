/// Client transcripts the mutations start from: whole ESMTP dialogues, pipelined, as real
/// clients and bots send them to port 25 and 587.
enum SeedCorpus {
    static let sessions: [String] = [
        // Inbound mail, DATA with dot-stuffed lines.
        "EHLO client.example.org\r\nMAIL FROM:<sender@example.org> SIZE=120 BODY=8BITMIME\r\nRCPT TO:<alice@fuzz.test>\r\n"
            + "DATA\r\nFrom: <sender@example.org>\r\nSubject: hi\r\n\r\nHello\r\n..leading dot\r\n...\r\n.\r\nQUIT\r\n",
        // RFC 2920 pipelined groups: envelope and DATA in one write, then a second transaction.
        "EHLO [192.0.2.1]\r\nMAIL FROM:<> BODY=7BIT\r\nRCPT TO:<alice@fuzz.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice@fuzz.test\r\n"
            + "RCPT TO:<bob@fuzz.test>\r\nDATA\r\nSubject: bounce\r\n\r\nbody\r\n.\r\n"
            + "MAIL FROM:<a@example.org>\r\nRCPT TO:<postmaster>\r\nRCPT TO:<Postmaster@fuzz.test>\r\nDATA\r\nx\r\n.\r\nRSET\r\nQUIT\r\n",
        // BDAT chunks (RFC 3030), binary payload, a zero-sized LAST.
        "EHLO mail.example.net\r\nMAIL FROM:<s@example.net> SIZE=30\r\nRCPT TO:<alice@fuzz.test>\r\n"
            + "BDAT 12\r\nSubject: b\r\n\r\nBDAT 10\r\n.\r\n\r\n.\r\n\u{0}x\r\nBDAT 0 LAST\r\nQUIT\r\n",
        "EHLO m\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<alice@fuzz.test>\r\nBDAT 5 LAST\r\nhello"
            + "MAIL FROM:<s@example.net>\r\nRCPT TO:<nobody@fuzz.test>\r\nBDAT 3\r\nabcBDAT 99999999999 LAST\r\n",
        // Submission: AUTH PLAIN with an initial response, then a message to a remote recipient.
        "EHLO laptop\r\nAUTH PLAIN AGFsaWNlQGZ1enoudGVzdABUZWEgR2FyZGVuIDQy\r\nMAIL FROM:<alice@fuzz.test>\r\n"
            + "RCPT TO:<friend@example.com>\r\nDATA\r\nFrom: Alice <alice@fuzz.test>\r\n\r\n.\r\n.\r\nQUIT\r\n",
        // AUTH PLAIN without, AUTH LOGIN with the two prompts, a cancel, an authzid.
        "EHLO laptop\r\nAUTH PLAIN\r\nAGFsaWNlQGZ1enoudGVzdABUZWEgR2FyZGVuIDQy\r\nAUTH LOGIN\r\nYWxpY2VAZnV6ei50ZXN0\r\n"
            + "VGVhIEdhcmRlbiA0Mg==\r\nAUTH LOGIN YWxpY2VAZnV6ei50ZXN0\r\n*\r\nAUTH PLAIN =\r\n"
            + "AUTH PLAIN Ym9iQGZ1enoudGVzdABib2JAZnV6ei50ZXN0AHB3\r\nAUTH CRAM-MD5\r\nNOOP\r\n",
        // STARTTLS, then the session starts over (the client waits for 220 before the handshake).
        "EHLO client\r\nSTARTTLS\r\nEHLO client\r\nMAIL FROM:<s@example.org> SMTPUTF8\r\nRCPT TO:<jörg@fuzz.test>\r\n"
            + "DATA\r\nSubject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\r\n\r\nGrüße\r\n.\r\nQUIT\r\n",
        // Quoted local parts, address literals, source routes, UTF-8 domains, case games.
        "HELO old-client\r\nmail from:<\"john doe\"@example.org>\r\nrcpt to:<@relay.example,@other.example:alice@fuzz.test>\r\n"
            + "RCPT TO:<\"a\\\"b\"@[IPv6:2001:db8::1]>\r\nRCPT TO:<user@[192.0.2.55]>\r\nVRFY alice\r\nEXPN list\r\nHELP\r\n"
            + "data\r\n.\r\nquit\r\n",
        "EHLO xn--bcher-kva.example\r\nMAIL FROM:<用户@例子.测试> SMTPUTF8 SIZE=99999999999999999999\r\n"
            + "MAIL FROM:<ü@fuzz.test>\r\nRCPT TO:<ü@fuzz.test>\r\nMAIL FROM:<a@b.c> BODY=BINARYMIME\r\nMAIL FROM:<a@b.c> X-FOO=1\r\n"
            + "MAIL FROM:<a@b.c> RET=HDRS ENVID=QQ314159 AUTH=<>\r\nRCPT TO:<b@fuzz.test> X=Y\r\nRSET\r\n",
        // Smuggling attempts inside DATA: none of these end the message.
        "EHLO smuggler\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<alice@fuzz.test>\r\nDATA\r\nSubject: x\r\n\r\nA\n.\n"
            + "MAIL FROM:<admin@fuzz.test>\r\nRCPT TO:<bob@fuzz.test>\r\nDATA\r\nB\r.\rC\n.\r\nD\r\n.\nE\r\n.\r\n",
        // Command-line framing: bare LF, an over-long line, NUL, errors until 421.
        "EHLO a\nEHLO b\r\nNOOP " + String(repeating: "x", count: 600) + "\r\nNOOP \u{0}\r\nFOO\r\nMAIL\r\nRCPT\r\nDATA\r\n"
            + "BDAT\r\nBDAT x\r\nBDAT 1 FIRST\r\nMAIL FROM:a@b\r\nSTARTTLS now\r\nQUIT\r\n",
        // Out of order: DATA and BDAT without a transaction, nested MAIL, BDAT then DATA.
        "DATA\r\nRCPT TO:<a@fuzz.test>\r\nBDAT 3 LAST\r\nabcEHLO c\r\nMAIL FROM:<a@b.c>\r\nMAIL FROM:<a@b.c>\r\n"
            + "RCPT TO:<alice@fuzz.test>\r\nBDAT 2\r\nxyDATA\r\nBDAT 2 LAST\r\nzz.\r\n",
    ]

    /// Message bodies for the DATA checks (as a client would hand them to its SMTP library).
    static let messages: [String] = [
        "From: a@example.org\r\nSubject: dots\r\n\r\n.\r\n..\r\n.x\r\nbody\r\n",
        "Subject: bare\n\nbare LF\n.\nlast line without end",
        "Subject: cr\r\n\r\nbare CR\r.\rnext\r\n\r\n.\r\n",
        "\r\n.\r\n",
        ".",
        "",
        "Subject: smuggle\r\n\r\nA\n.\r\nMAIL FROM:<x@y>\r\n\r.\r\n\n.\n",
        "Grüße \u{0} binary\u{1}\u{7F}\u{FF}\r\n",
    ]

    /// Raw DATA wire text (after the `354`), smuggling sequences on purpose, before the real end.
    static let dataWires: [String] = [
        "Subject: a\r\n\r\nA\n.\nB\r\n.\r\n",
        "A\r.\rB\r\n.\r\n",
        "A\n.\r\nB\r\n.\r\n",
        "A\r\n.\nB\r\n.\r\n",
        "A\r\n.\rB\r\n..\r\n.\r\n",
        "..\r\n...\r\n.x\r\n.\r\n",
        ".\r\n",
        "\n.\r\n.\r\n",
        "A\r\n.\r\r\n.\r\n",
    ]

    /// Replies of remote servers as the outbound client reads them (only the libFuzzer target
    /// starts from these; the mutation loop's transcripts reach the reply decoder too).
    static let replies: [String] = [
        "220 mx.example.org ESMTP Postfix\r\n",
        "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
        "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
        "550-5.7.1 Service unavailable; client [192.0.2.1] blocked\r\n550 5.7.1 see https://example.org/rbl\r\n",
        "421 4.3.2 Service shutting down\n",
        "452-4.5.3 Too many recipients\r\n452 4.5.3 Try again later\r\n",
    ]
}

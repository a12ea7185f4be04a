/// Client transcripts the mutations start from: whole sessions, pipelined, as real clients send them.
enum SeedCorpus {
    static let sessions: [String] = [
        "CAPA\r\nUSER ann@pop.test\r\nPASS Tea Garden 42 \r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nDELE 1\r\nQUIT\r\n",
        "AUTH PLAIN AGFubkBwb3AudGVzdABUZWEtR2FyZGVuLTQy\r\nUIDL 2\r\nTOP 2 10\r\nRSET\r\nNOOP\r\nQUIT\r\n",
        "AUTH PLAIN\r\nAGFubkBwb3AudGVzdABUZWEtR2FyZGVuLTQy\r\nLIST 3\r\nQUIT\r\n",
        "AUTH PLAIN\r\n*\r\nAUTH\r\nSTLS\r\nCAPA\r\n",
        "APOP ann c4c9334bac560ecc979e58001b3e22fb\r\nUTF8\r\nQUIT\r\n",
        "USER ann\nPASS x\nSTAT\nRETR 1\nTOP 1 0\nDELE 2\nDELE 2\nQUIT\n",
        "user ann\r\npass secret\r\nlist 1 2\r\nretr\r\ntop 1\r\ndele 0\r\nuidl 4294967296\r\nquit\r\n",
    ]

    /// Message bodies for the dot-stuffing and TOP checks.
    static let messages: [String] = [
        "Subject: a\r\n\r\n.\r\n..\r\nbody\r\n.\r\n",
        "Subject: b\n\nbare LF\n.dot\nlast line without end",
        "Subject: c\r\nX: y\r\n\r\n\r\nline\rbare CR\r\n",
        "no header end\r\n.",
    ]
}

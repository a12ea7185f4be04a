extension CommandParser {
    /// `command-any / command-auth / command-nonauth / command-select` — dispatches on the
    /// command name (case-insensitive); unknown names become ``Command/unknown(_:)``.
    mutating func parseCommandBody() throws(ParserError) -> Command {
        let name = try parseAtom().uppercased()
        switch name {
        case "CAPABILITY": return .capability
        case "NOOP": return .noop
        case "LOGOUT": return .logout
        case "STARTTLS": return .starttls
        case "NAMESPACE": return .namespace
        case "CHECK": return .check
        case "CLOSE": return .close
        case "UNSELECT": return .unselect
        case "EXPUNGE": return .expunge
        case "IDLE": return .idle
        case "COMPRESS":
            // compress = "COMPRESS" SP algorithm (RFC 4978 §4)
            try space()
            return .compress(try parseAtom())
        case "ID": return .id(try parseIDArguments())
        case "AUTHENTICATE": return try parseAuthenticate()
        case "LOGIN":
            // login = "LOGIN" SP userid SP password
            try space()
            let user = try parseAstring()
            try space()
            return .login(username: user, password: try parseAstring())
        case "ENABLE":
            // enable = "ENABLE" 1*(SP capability)
            var capabilities: [String] = []
            repeat {
                try space()
                capabilities.append(try parseAtom())
            } while peek() == UInt8(ascii: " ")
            return .enable(capabilities)
        case "SELECT":
            try space()
            return .select(try parseMailbox(), try parseSelectParameters())
        case "EXAMINE":
            try space()
            return .examine(try parseMailbox(), try parseSelectParameters())
        case "CREATE": return try parseCreate()
        case "DELETE":
            try space()
            return .delete(try parseMailbox())
        case "RENAME":
            // rename = "RENAME" SP mailbox SP mailbox
            try space()
            let from = try parseMailbox()
            try space()
            return .rename(from: from, to: try parseMailbox())
        case "SUBSCRIBE":
            try space()
            return .subscribe(try parseMailbox())
        case "UNSUBSCRIBE":
            try space()
            return .unsubscribe(try parseMailbox())
        case "LIST": return .list(try parseList())
        case "LSUB":
            // lsub = "LSUB" SP mailbox SP list-mailbox
            try space()
            let reference = try parseMailbox()
            try space()
            return .lsub(reference: reference, pattern: try parseListMailbox())
        case "STATUS":
            // status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
            try space()
            let mailbox = try parseMailbox()
            try space()
            return .status(mailbox, try parseStatusAttributes())
        case "APPEND": return .append(try parseAppend())
        case "SEARCH": return .search(try parseSearch(), uid: false)
        case "SORT": return .sort(try parseSort(), uid: false)
        case "THREAD": return .thread(try parseThread(), uid: false)
        case "FETCH": return try parseFetch(uid: false)
        case "STORE": return try parseStore(uid: false)
        case "COPY", "MOVE": return try parseCopyOrMove(name, uid: false)
        case "UID": return try parseUID()
        case "GETQUOTA":
            try space()
            return .getQuota(root: try parseAstring())
        case "GETQUOTAROOT":
            try space()
            return .getQuotaRoot(try parseMailbox())
        case "SETQUOTA": return try parseSetQuota()
        case "GETACL":
            try space()
            return .getACL(try parseMailbox())
        case "MYRIGHTS":
            try space()
            return .myRights(try parseMailbox())
        case "SETACL":
            // setacl = "SETACL" SP mailbox SP identifier SP mod-rights
            try space()
            let mailbox = try parseMailbox()
            try space()
            let identifier = try parseAstring()
            try space()
            return .setACL(mailbox, identifier: identifier, rights: try parseAstring())
        case "DELETEACL", "LISTRIGHTS":
            // deleteacl = "DELETEACL" SP mailbox SP identifier
            try space()
            let mailbox = try parseMailbox()
            try space()
            let identifier = try parseAstring()
            return name == "DELETEACL" ? .deleteACL(mailbox, identifier: identifier)
                : .listRights(mailbox, identifier: identifier)
        default:
            // Skip the arguments: the server answers BAD without looking at them.
            buffer.moveReaderIndex(forwardBy: max(0, buffer.readableBytes - trailingLineEndLength))
            return .unknown(name)
        }
    }

    private var trailingLineEndLength: Int {
        let n = buffer.readableBytes
        if n >= 2, peek(n - 2) == UInt8(ascii: "\r"), peek(n - 1) == UInt8(ascii: "\n") { return 2 }
        return n >= 1 && peek(n - 1) == UInt8(ascii: "\n") ? 1 : 0
    }

    /// `id = "ID" SP id-params-list`;
    /// `id-params-list = "(" *(string SP nstring) ")" / nil`
    mutating func parseIDArguments() throws(ParserError) -> [IDParameter]? {
        try space()
        if consumeKeyword("NIL") { return nil }
        try expect(UInt8(ascii: "("), "( or NIL")
        var params: [IDParameter] = []
        if peek() == UInt8(ascii: ")") {
            advance()
            return params
        }
        while true {
            let key = try parseString()
            try space()
            params.append(IDParameter(key: key, value: try parseNString()))
            guard params.count <= 30 else { throw ParserError("too many ID fields") }
            if peek() == UInt8(ascii: ")") {
                advance()
                return params
            }
            try space()
        }
    }

    /// `authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")]` (RFC 4959 SASL-IR)
    mutating func parseAuthenticate() throws(ParserError) -> Command {
        try space()
        let mechanism = try parseAtom().uppercased()
        guard optionalSpace() else { return .authenticate(mechanism: mechanism, initialResponse: nil) }
        if peek() == UInt8(ascii: "="), peek(1) == UInt8(ascii: "\r") || peek(1) == UInt8(ascii: "\n") {
            advance()
            return .authenticate(mechanism: mechanism, initialResponse: [])
        }
        let text = take(while: { CharacterClasses.isAtomChar($0) })
        guard let decoded = Base64.decode(text), !text.isEmpty else { throw ParserError("invalid base64 initial response") }
        return .authenticate(mechanism: mechanism, initialResponse: decoded)
    }

    /// `create = "CREATE" SP mailbox [create-params]`;
    /// `create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")"` (RFC 6154)
    mutating func parseCreate() throws(ParserError) -> Command {
        try space()
        let mailbox = try parseMailbox()
        var uses: [MailboxAttribute] = []
        if optionalSpace() {
            _ = try parseParenthesizedList(allowEmpty: false) { (p: inout CommandParser) throws(ParserError) in
                try p.expectKeyword("USE")
                try p.space()
                uses += try p.parseParenthesizedList { (p: inout CommandParser) throws(ParserError) in
                    try p.expect(UInt8(ascii: "\\"), "use-attr")
                    return MailboxAttribute(try p.parseAtom())
                }
            }
        }
        return .create(mailbox, specialUse: uses)
    }

    /// `status-att = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN" / "DELETED" / "SIZE" /
    ///  "RECENT" / "HIGHESTMODSEQ" / "APPENDLIMIT" / "MAILBOXID"`
    mutating func parseStatusAttributes() throws(ParserError) -> [StatusAttribute] {
        try parseParenthesizedList(allowEmpty: false) { (p: inout CommandParser) throws(ParserError) in
            let name = try p.parseAtom().uppercased()
            guard let attribute = StatusAttribute(rawValue: name) else { throw ParserError("unknown status item") }
            return attribute
        }
    }

    /// `copy = "COPY" SP sequence-set SP mailbox`; `move = "MOVE" SP sequence-set SP mailbox`
    mutating func parseCopyOrMove(_ name: String, uid: Bool) throws(ParserError) -> Command {
        try space()
        let set = try parseSequenceSet()
        try space()
        let mailbox = try parseMailbox()
        return name == "COPY" ? .copy(set, mailbox, uid: uid) : .move(set, mailbox, uid: uid)
    }

    /// `uid = "UID" SP ("COPY" / "MOVE" / "FETCH" / "SEARCH" / "SORT" / "THREAD" / "STORE" / uid-expunge)`;
    /// `uid-expunge = "EXPUNGE" SP sequence-set`
    mutating func parseUID() throws(ParserError) -> Command {
        try space()
        let name = try parseAtom().uppercased()
        switch name {
        case "COPY", "MOVE": return try parseCopyOrMove(name, uid: true)
        case "FETCH": return try parseFetch(uid: true)
        case "SEARCH": return .search(try parseSearch(), uid: true)
        case "SORT": return .sort(try parseSort(), uid: true)
        case "THREAD": return .thread(try parseThread(), uid: true)
        case "STORE": return try parseStore(uid: true)
        case "EXPUNGE":
            try space()
            return .uidExpunge(try parseSequenceSet())
        default: throw ParserError("unknown UID command")
        }
    }

    /// `setquota = "SETQUOTA" SP quota-root-name SP setquota-list`;
    /// `setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"`;
    /// `setquota-resource = resource-name SP resource-limit`
    mutating func parseSetQuota() throws(ParserError) -> Command {
        try space()
        let root = try parseAstring()
        try space()
        let limits = try parseParenthesizedList { (p: inout CommandParser) throws(ParserError) in
            let resource = try p.parseAtom().uppercased()
            try p.space()
            return QuotaLimit(resource: resource, limit: try p.parseNumber64())
        }
        return .setQuota(root: root, limits: limits)
    }
}

/// The MIME structure of a message as IMAP describes it (`body` in RFC 3501 §9), for
/// `BODY` and `BODYSTRUCTURE`. The server maps its MIME model onto this.
public indirect enum IMAPBodyStructure: Sendable, Hashable {
    case singlePart(SinglePart)
    case multipart(Multipart)

    /// `body-type-1part`: basic, `TEXT/*` (with line count) or `MESSAGE/RFC822` (with nested envelope and body).
    public struct SinglePart: Sendable, Hashable {
        /// What follows `body-fields`, by media type.
        public enum Kind: Sendable, Hashable {
            case basic
            /// `TEXT/*`: `body-fld-lines`
            case text(lines: UInt64)
            /// `MESSAGE/RFC822` (and `MESSAGE/GLOBAL`): `envelope SP body SP body-fld-lines`
            case message(IMAPEnvelope, IMAPBodyStructure, lines: UInt64)
        }

        public var type: String
        public var subtype: String
        public var parameters: [IMAPBodyParameter]
        public var id: String?
        public var description: String?
        /// `body-fld-enc`, e.g. `7BIT`, `BASE64`.
        public var encoding: String
        /// Size in octets of the encoded body.
        public var size: UInt64
        public var kind: Kind
        // Extension data (BODYSTRUCTURE only)
        public var md5: String?
        public var disposition: IMAPBodyDisposition?
        public var language: [String]
        public var location: String?

        public init(type: String, subtype: String, parameters: [IMAPBodyParameter] = [], id: String? = nil,
                    description: String? = nil, encoding: String = "7BIT", size: UInt64, kind: Kind = .basic,
                    md5: String? = nil, disposition: IMAPBodyDisposition? = nil, language: [String] = [],
                    location: String? = nil) {
            self.type = type
            self.subtype = subtype
            self.parameters = parameters
            self.id = id
            self.description = description
            self.encoding = encoding
            self.size = size
            self.kind = kind
            self.md5 = md5
            self.disposition = disposition
            self.language = language
            self.location = location
        }
    }

    /// `body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]`
    public struct Multipart: Sendable, Hashable {
        public var parts: [IMAPBodyStructure]
        public var subtype: String
        // Extension data (BODYSTRUCTURE only)
        public var parameters: [IMAPBodyParameter]
        public var disposition: IMAPBodyDisposition?
        public var language: [String]
        public var location: String?

        public init(parts: [IMAPBodyStructure], subtype: String, parameters: [IMAPBodyParameter] = [],
                    disposition: IMAPBodyDisposition? = nil, language: [String] = [], location: String? = nil) {
            self.parts = parts
            self.subtype = subtype
            self.parameters = parameters
            self.disposition = disposition
            self.language = language
            self.location = location
        }
    }
}

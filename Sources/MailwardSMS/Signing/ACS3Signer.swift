/// What Alibaba Cloud's V3 signature (ACS3-HMAC-SHA256) covers for one request.
public struct ACS3SigningInput: Sendable {
    public var method: String
    public var canonicalURI: String
    /// Query parameters, unencoded; the signer encodes and sorts them.
    public var query: [(name: String, value: String)]
    /// The request headers. `host`, `content-type` and every `x-acs-*` header are signed
    /// (the documented rule); others are ignored. Names are matched case-insensitively.
    public var headers: [String: String]
    public var payload: [UInt8]

    public init(
        method: String = "POST",
        canonicalURI: String = "/",
        query: [(name: String, value: String)],
        headers: [String: String],
        payload: [UInt8] = []
    ) {
        self.method = method
        self.canonicalURI = canonicalURI
        self.query = query
        self.headers = headers
        self.payload = payload
    }
}

/// Every intermediate of an ACS3 signature, for comparison with the documented example.
public struct ACS3Signature: Sendable, Equatable {
    /// The query string exactly as signed; send the request with this query so both sides agree.
    public var canonicalQueryString: String
    public var canonicalRequest: String
    public var stringToSign: String
    public var signedHeaderNames: String
    public var signature: String
    /// The complete `Authorization` header value.
    public var authorization: String
}

/// Alibaba Cloud OpenAPI signature V3 ("V3版本请求体&签名机制"). Pure: no clock, no I/O.
public enum ACS3Signer {
    public static let algorithm = "ACS3-HMAC-SHA256"

    /// Hex SHA-256 of the body: the value of `x-acs-content-sha256`.
    public static func hashedPayload(_ payload: [UInt8]) -> String {
        Digests.sha256Hex(payload)
    }

    public static func sign(_ input: ACS3SigningInput, accessKeyID: String, accessKeySecret: SMSSecret) -> ACS3Signature {
        let canonicalQueryString = input.query
            .map { (name: PercentEncoding.encode($0.name), value: PercentEncoding.encode($0.value)) }
            .sorted { ($0.name, $0.value) < ($1.name, $1.value) }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")

        let headers = input.headers
            .map { (name: $0.key.lowercased(), value: trimmed($0.value)) }
            .filter { $0.name == "host" || $0.name == "content-type" || $0.name.hasPrefix("x-acs-") }
            .sorted { $0.name < $1.name }
        let canonicalHeaders = headers.map { "\($0.name):\($0.value)\n" }.joined()
        let signedHeaderNames = headers.map(\.name).joined(separator: ";")

        let canonicalRequest = [
            input.method.uppercased(),
            input.canonicalURI,
            canonicalQueryString,
            canonicalHeaders,
            signedHeaderNames,
            hashedPayload(input.payload),
        ].joined(separator: "\n")
        let stringToSign = algorithm + "\n" + Digests.sha256Hex(canonicalRequest)
        let signature = Digests.hmacSHA256Hex(key: Array(accessKeySecret.revealedValue.utf8), message: stringToSign)
        let authorization =
            "\(algorithm) Credential=\(accessKeyID),SignedHeaders=\(signedHeaderNames),Signature=\(signature)"
        return ACS3Signature(
            canonicalQueryString: canonicalQueryString,
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign,
            signedHeaderNames: signedHeaderNames,
            signature: signature,
            authorization: authorization
        )
    }
}

/// What Tencent Cloud's signature v3 (TC3-HMAC-SHA256) covers for one request.
public struct TC3SigningInput: Sendable, Equatable {
    public var method: String
    public var canonicalURI: String
    public var canonicalQueryString: String
    /// The headers that take part in the signature, at least `content-type` and `host`
    /// (Tencent now also expects `x-tc-action`). Names are matched case-insensitively.
    public var signedHeaders: [String: String]
    public var payload: [UInt8]
    /// Product name that scopes the key, e.g. `sms`, `cvm`.
    public var service: String
    /// Unix seconds; the same value goes into `X-TC-Timestamp`.
    public var timestamp: Int64

    public init(
        method: String = "POST",
        canonicalURI: String = "/",
        canonicalQueryString: String = "",
        signedHeaders: [String: String],
        payload: [UInt8],
        service: String,
        timestamp: Int64
    ) {
        self.method = method
        self.canonicalURI = canonicalURI
        self.canonicalQueryString = canonicalQueryString
        self.signedHeaders = signedHeaders
        self.payload = payload
        self.service = service
        self.timestamp = timestamp
    }
}

/// Every intermediate of a TC3 signature, so that tests can compare each step with the
/// vendor's documented example.
public struct TC3Signature: Sendable, Equatable {
    public var canonicalRequest: String
    public var credentialScope: String
    public var stringToSign: String
    public var signedHeaderNames: String
    public var signature: String
    /// The complete `Authorization` header value.
    public var authorization: String
}

/// Tencent Cloud API 3.0 request signing ("签名方法 v3"). Pure: no clock, no I/O.
public enum TC3Signer {
    public static let algorithm = "TC3-HMAC-SHA256"

    public static func sign(_ input: TC3SigningInput, secretID: String, secretKey: SMSSecret) -> TC3Signature {
        // 1. Canonical request. Tencent lower-cases and trims both header names and values.
        let headers = input.signedHeaders
            .map { (name: $0.key.lowercased(), value: trimmed($0.value).lowercased()) }
            .sorted { $0.name < $1.name }
        let canonicalHeaders = headers.map { "\($0.name):\($0.value)\n" }.joined()
        let signedHeaderNames = headers.map(\.name).joined(separator: ";")
        let canonicalRequest = [
            input.method.uppercased(),
            input.canonicalURI,
            input.canonicalQueryString,
            canonicalHeaders,
            signedHeaderNames,
            Digests.sha256Hex(input.payload),
        ].joined(separator: "\n")

        // 2. String to sign; the scope's date is the UTC date of the timestamp.
        let date = UTCTimestamp(.init(timeIntervalSince1970: Double(input.timestamp))).dateOnly
        let credentialScope = "\(date)/\(input.service)/tc3_request"
        let stringToSign = [
            algorithm,
            String(input.timestamp),
            credentialScope,
            Digests.sha256Hex(canonicalRequest),
        ].joined(separator: "\n")

        // 3. Derived key chain, then the signature.
        let secretDate = Digests.hmacSHA256(key: Array(("TC3" + secretKey.revealedValue).utf8), message: date)
        let secretService = Digests.hmacSHA256(key: secretDate, message: input.service)
        let secretSigning = Digests.hmacSHA256(key: secretService, message: "tc3_request")
        let signature = Digests.hmacSHA256Hex(key: secretSigning, message: stringToSign)

        let authorization =
            "\(algorithm) Credential=\(secretID)/\(credentialScope), SignedHeaders=\(signedHeaderNames), Signature=\(signature)"
        return TC3Signature(
            canonicalRequest: canonicalRequest,
            credentialScope: credentialScope,
            stringToSign: stringToSign,
            signedHeaderNames: signedHeaderNames,
            signature: signature,
            authorization: authorization
        )
    }
}

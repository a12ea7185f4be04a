import NIOHTTP1

/// A fully built, signed HTTP request, produced by the pure request builders and sent by
/// `HTTPDelivery`. Keeping the two apart lets the tests check every byte without a network.
public struct PreparedHTTPRequest: Sendable, Equatable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: HTTPMethod, url: String, headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing
@testable import MailwardWeb

/// `RefusedBodyDrain` on its own: what it drops, when it stops, and its time limit.
@Suite struct RefusedBodyDrainTests {
    static let upload = HTTPRequest(method: .post, scheme: "http", authority: "mail.test", path: "/api/upload")
    static let refused = HTTPResponse(status: .contentTooLarge)

    static func channel(linger: TimeAmount = .seconds(30)) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RefusedBodyDrain(linger: linger))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func body(_ text: String) -> HTTPRequestPart { .body(ByteBuffer(string: text)) }

    @Test func bodyAfterTheAnswerIsDroppedUntilTheRequestEnds() throws {
        let channel = try Self.channel()
        try channel.writeInbound(HTTPRequestPart.head(Self.upload))
        try channel.writeInbound(Self.body("first"))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .head(Self.upload))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == Self.body("first"))
        try channel.writeOutbound(HTTPResponsePart.head(Self.refused))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeInbound(Self.body("dropped"))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil, "answered: the rest is not passed on")
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil), "the request's end still is")

        // The next request on the connection is read as usual.
        try channel.writeInbound(HTTPRequestPart.head(Self.upload))
        try channel.writeInbound(Self.body("next"))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .head(Self.upload))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == Self.body("next"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive, "no time limit once the drop ended")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func anAnswerToAnEarlierPipelinedRequestDropsNothing() throws {
        let channel = try Self.channel()
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .get, scheme: "http", authority: "mail.test", path: "/")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeInbound(HTTPRequestPart.head(Self.upload))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeInbound(Self.body("kept"))
        var parts: [HTTPRequestPart] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) { parts.append(part) }
        #expect(parts.last == Self.body("kept"), "the second request is not the one answered: \(parts)")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func aBodyThatKeepsComingIsCutOffAfterTheLinger() throws {
        let channel = try Self.channel(linger: .seconds(5))
        try channel.writeInbound(HTTPRequestPart.head(Self.upload))
        try channel.writeOutbound(HTTPResponsePart.head(Self.refused))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        for _ in 0..<4 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            try channel.writeInbound(Self.body(String(repeating: "x", count: 1000)))
        }
        #expect(channel.isActive, "within the linger")
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive, "closed at the linger's end, the body still coming")
    }
}

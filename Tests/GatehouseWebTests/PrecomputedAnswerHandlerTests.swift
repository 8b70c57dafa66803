import Foundation
import GatehouseTestingStack
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing
@testable import GatehouseWeb

/// Discovery and the JWKS answered in the channel (`PrecomputedAnswerHandler`): the same bytes as
/// the router's, in the order the requests came, and everything else handed on untouched.
@Suite("Answers made before any request, given in the channel")
struct PrecomputedAnswerHandlerTests {
    static let answer = PrecomputedAnswer(body: Array(#"{"keys":[]}"#.utf8), contentType: "application/jwk-set+json",
                                          cacheControl: "public, max-age=300", securityHeaders: [HTTPField(name: .init("X-Test")!, value: "1")])

    /// A channel with the handler alone: what it answers is written out, what it hands on is read.
    static func channel() throws -> EmbeddedChannel {
        let answers = PrecomputedAnswers([PrecomputedRoute(path: "/jwks.json", answer: { answer })])
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(PrecomputedAnswerHandler(answers: answers, metrics: RequestMetrics()))
        return channel
    }

    static func get(_ path: String, _ fields: HTTPFields = [:]) -> HTTPRequestPart {
        .head(HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: path, headerFields: fields))
    }

    @Test("a GET of the path is answered in the channel: head, body and end, nothing handed on")
    func answered() throws {
        let channel = try Self.channel()
        try channel.writeInbound(Self.get("/jwks.json"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
        let head = try #require(try channel.readOutbound(as: HTTPResponsePart.self))
        guard case .head(let response) = head else { Issue.record("not a head: \(head)"); return }
        #expect(response.status == .ok)
        let fields = response.headerFields.map { "\($0.name): \($0.value)" }
        #expect(fields.dropLast() == ["Content-Type: application/jwk-set+json", "Content-Length: 11", "Cache-Control: public, max-age=300", "X-Test: 1"])
        #expect(fields.last == "Date: " + HTTPDate.format(time(nil)) || fields.last == "Date: " + HTTPDate.format(time(nil) - 1))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .body(ByteBuffer(string: #"{"keys":[]}"#)))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .end(nil))
    }

    @Test("with an Origin the answer carries the CORS headers")
    func crossOrigin() throws {
        let channel = try Self.channel()
        try channel.writeInbound(Self.get("/jwks.json", [.origin: "https://app.example"]))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        guard case .head(let response) = try #require(try channel.readOutbound(as: HTTPResponsePart.self)) else {
            Issue.record("no head"); return
        }
        #expect(response.headerFields[.accessControlAllowOrigin] == "*")
    }

    @Test("a request body is read and dropped; the answer leaves after its end")
    func bodyDropped() throws {
        let channel = try Self.channel()
        try channel.writeInbound(Self.get("/jwks.json"))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "ignored")))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) != nil)
    }

    @Test("a browser's Connection: keep-alive is answered in the channel too")
    func keepAlive() throws {
        let channel = try Self.channel()
        try channel.writeInbound(Self.get("/jwks.json", [.connection: "Keep-Alive"]))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) != nil)
    }

    @Test("another path, a query, HEAD, a Connection header other than keep-alive, an Expect header: handed on whole")
    func handedOn() throws {
        let requests: [HTTPRequestPart] = [
            Self.get("/health/live"), Self.get("/jwks.json?x=1"),
            .head(HTTPRequest(method: .head, scheme: "http", authority: "localhost", path: "/jwks.json")),
            Self.get("/jwks.json", [.connection: "close"]), Self.get("/jwks.json", [.connection: "keep-alive, close"]),
            Self.get("/jwks.json", [.expect: "100-continue"]),
        ]
        for request in requests {
            let channel = try Self.channel()
            try channel.writeInbound(request)
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == request)
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
            #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil, "answered \(request)")
        }
    }

    @Test("behind a request the router has not answered yet, a GET of the path waits its turn with the router")
    func pipelinedStaysInOrder() throws {
        let channel = try Self.channel()
        try channel.writeInbound(Self.get("/health/live"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeInbound(Self.get("/jwks.json"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        // Both went on to the router: the first one's answer has not been written.
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == Self.get("/health/live"))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == Self.get("/jwks.json"))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        // The router answers both; then the next one is the channel's again.
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        for _ in 0..<4 { _ = try channel.readOutbound(as: HTTPResponsePart.self) }
        try channel.writeInbound(Self.get("/jwks.json"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) != nil)
    }

    @Test("a live server: the channel's answers are the router's bytes, pipelined requests are answered in order")
    func liveServer() async throws {
        let provider = try await TestProvider()
        let (router, answers) = GatehouseApplication.routerAndAnswers(provider.dependencies)
        let app = Application(router: router, server: GatehouseApplication.server(timeouts: HTTPServerTimeouts(), answers: answers))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let host = "Host: localhost\r\n"
            let connection = try await RawConnection.open(port: port)
            // One write: the first goes to the router, the next two arrive behind it, the fourth and
            // fifth are the channel's (or the router's, by the query), the last closes.
            let (received, _) = try await connection.run(limit: .seconds(20)) { writer in
                try await writer.write(ByteBuffer(string:
                    "GET /health/live HTTP/1.1\r\n\(host)\r\n" + "GET /jwks.json HTTP/1.1\r\n\(host)\r\n"
                    + "GET /health/live HTTP/1.1\r\n\(host)\r\n"))
                try await Task.sleep(for: .milliseconds(300))
                try await writer.write(ByteBuffer(string: "GET /jwks.json HTTP/1.1\r\n\(host)Origin: https://app.example\r\n\r\n"))
                try await Task.sleep(for: .milliseconds(300))
                try await writer.write(ByteBuffer(string: "GET /jwks.json?router=1 HTTP/1.1\r\n\(host)Origin: https://app.example\r\n\r\n"
                    + "GET /health/live HTTP/1.1\r\n\(host)Connection: close\r\n\r\n"))
                try await Task.sleep(for: .seconds(20))
            }
            let answers = received.components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(answers.count == 6, "six answers: \(received)")
            let bodies = answers.map { $0.components(separatedBy: "\r\n\r\n").last ?? "" }
            #expect(bodies[0] == "ok" && bodies[2] == "ok" && bodies[5] == "ok", "in order: \(bodies)")
            #expect(bodies[1].hasPrefix(#"{"keys":[{"kty":"RSA""#))
            // Byte for byte but the Date's second: the two may straddle one.
            let dated = try Regex(#"\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n"#)
            #expect(answers[answers.startIndex + 3].replacing(dated, with: "\r\n") == answers[answers.startIndex + 4].replacing(dated, with: "\r\n"),
                    "the channel's answer and the router's, byte for byte")
            #expect(answers.allSatisfy { $0.contains(dated) }, "every answer is dated")
            #expect(answers[answers.startIndex + 3].contains("Access-Control-Allow-Origin: *\r\n"))
        }
    }
}

@Suite("The Date header's format")
struct HTTPDateTests {
    @Test("IMF-fixdate, as RFC 9110 §5.6.7's example and Foundation's formatter write it")
    func imfFixdate() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        for seconds in stride(from: 0, to: 4_102_444_800, by: 86_399 * 37) {
            #expect(HTTPDate.format(seconds) == formatter.string(from: Date(timeIntervalSince1970: Double(seconds))))
        }
    }
}

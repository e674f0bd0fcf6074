import Foundation
import Hummingbird
import HummingbirdWSCompression
import HummingbirdWebSocket
import HTTPTypes
import Logging
import NIOCore
import NIOWebSocket
import ScrapeBase
import ServiceLifecycle

/// An in-process WebSocket server on `127.0.0.1` (hummingbird-websocket), for `scrape ws`
/// tests against a real, well-behaved server: permessage-deflate offered, its own ping
/// and close handling. Misbehaviour comes from the tests' raw frame server instead.
///
/// Paths (the query gives numbers):
/// - `/feed?count=N&close=CODE`: waits for the first message (the subscription), sends N
///   JSON messages `{"n":I,"sub":SUBSCRIPTION,"big":12345678901234567890}`, closes with CODE (1000).
/// - `/types`: a spaced JSON object, a JSON number, text with quotes and a newline, binary
///   bytes, then close 1000.
/// - `/big?size=N`: one text message of N `a`s (compresses to almost nothing), close 1000.
/// - `/reconnect`: the first connection sends 2 messages and closes 1001 (going away);
///   later ones send 1 message and close 1000.
/// - `/hold?count=N`: waits for the subscription, sends N messages `{"n":I,"sub":...}`, then
///   keeps the connection open until the client closes it (counted in ``WebSocketLog/closes(_:)``).
///
/// Connections are counted per path, and per path with its query.
public struct WebSocketTestServer: Sendable {
    public let port: Int
    /// What the server saw: connections per path, subscriptions received.
    public let log: WebSocketLog

    /// `ws://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "ws://127.0.0.1:\(port)\(path)" }

    /// Runs `body` with a fresh server, then shuts it down.
    ///
    /// - Parameter compression: offer permessage-deflate (with no context takeover when
    ///   `noContextTakeover`).
    public static func withRunning<Result: Sendable>(
        compression: Bool = true, noContextTakeover: Bool = false,
        _ body: @Sendable (WebSocketTestServer) async throws -> Result
    ) async throws -> Result {
        let log = WebSocketLog()
        let router = Router()
        var logger = Logger(label: "scrape.test-ws-server")
        logger.logLevel = .critical
        let extensions: [WebSocketExtensionFactory] =
            compression ? [.perMessageDeflate(serverNoContextTakeover: noContextTakeover, maxDecompressedFrameSize: 1 << 24, minFrameSizeToCompress: 16)] : []
        return try await LoopbackApplication.withRunning(logger: logger) { onServerRunning in
            Application(
                router: router,
                server: .http1WebSocketUpgrade(
                    configuration: .init(ws: .init(maxFrameSize: 1 << 24, extensions: extensions, autoPing: .disabled))
                ) { request, _, _ in
                    let path = request.path ?? "/"
                    let route = String(path.prefix { $0 != "?" })
                    let query = Self.query(path)
                    let connection = log.connected(route, full: path)
                    return .upgrade([:]) { inbound, outbound, _ in
                        var messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
                        switch route {
                        case "/feed":
                            let subscription = try await messages.next().map(Self.text) ?? ""
                            log.subscribed(subscription)
                            for n in 0..<(query["count"] ?? 3) {
                                try await outbound.write(.text(#"{"n":\#(n),"sub":"\#(subscription)","big":12345678901234567890}"#))
                            }
                            try await outbound.close(.init(codeNumber: query["close"] ?? 1000), reason: "bye")
                        case "/hold":
                            let subscription = try await messages.next().map(Self.text) ?? ""
                            log.subscribed(subscription)
                            for n in 0..<(query["count"] ?? 1) {
                                try await outbound.write(.text(#"{"n":\#(n),"sub":"\#(subscription)"}"#))
                            }
                            while try await messages.next() != nil {}
                            log.closed(path)
                            return
                        case "/types":
                            try await outbound.write(.text(#"{ "a" : [1, 2],"s":"x y" }"#))
                            try await outbound.write(.text("42"))
                            try await outbound.write(.text("say \"hi\"\nbye"))
                            try await outbound.write(.binary(ByteBuffer(bytes: [0, 1, 2, 254, 255])))
                            try await outbound.close(.normalClosure, reason: nil)
                        case "/big":
                            try await outbound.write(.text(String(repeating: "a", count: query["size"] ?? 100_000)))
                            try await outbound.close(.normalClosure, reason: nil)
                        case "/reconnect":
                            let subscription = try await messages.next().map(Self.text) ?? ""
                            log.subscribed(subscription)
                            if connection == 1 {
                                try await outbound.write(.text(#"{"connection":1,"n":0}"#))
                                try await outbound.write(.text(#"{"connection":1,"n":1}"#))
                                try await outbound.close(.goingAway, reason: "restarting")
                            } else {
                                try await outbound.write(.text(#"{"connection":\#(connection),"n":0}"#))
                                try await outbound.close(.normalClosure, reason: nil)
                            }
                        default:
                            try await outbound.close(.policyViolation, reason: "no such path")
                        }
                        // Wait for the client's answering close, so its code is the last word.
                        while try await messages.next() != nil {}
                    }
                },
                configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "scrape-test-ws"),
                onServerRunning: onServerRunning,
                logger: logger
            )
        } _: { port in
            try await body(WebSocketTestServer(port: port, log: log))
        }
    }

    private static func text(_ message: WebSocketMessage) -> String {
        switch message {
        case .text(let text): text
        case .binary(let buffer): String(buffer: buffer)
        }
    }

    /// The integer query parameters of `path`.
    private static func query(_ path: String) -> [String: Int] {
        guard let question = path.firstIndex(of: "?") else { return [:] }
        var values: [String: Int] = [:]
        for pair in path[path.index(after: question)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Int(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }
}

/// What the ``WebSocketTestServer`` saw.
public final class WebSocketLog: Sendable {
    private let state = Locked<(connections: [String: Int], subscriptions: [String], closes: [String: Int])>(([:], [], [:]))

    /// Counts a connection to `path` (and to `full`, the path with its query); returns its
    /// number (1-based) for `path`.
    func connected(_ path: String, full: String) -> Int {
        state.withLock { state in
            if full != path { state.connections[full, default: 0] += 1 }
            state.connections[path, default: 0] += 1
            return state.connections[path]!
        }
    }

    func closed(_ path: String) {
        state.withLock { $0.closes[path, default: 0] += 1 }
    }

    /// `/hold` connections the client closed, by path with query.
    public func closes(_ path: String) -> Int { state.withLock { $0.closes[path] ?? 0 } }

    func subscribed(_ message: String) {
        state.withLock { $0.subscriptions.append(message) }
    }

    /// Upgraded connections to `path` (with or without its query).
    public func connections(_ path: String) -> Int { state.withLock { $0.connections[path] ?? 0 } }
    /// The first message of each connection that waited for one, in order.
    public var subscriptions: [String] { state.withLock { $0.subscriptions } }
}

package import ScrapeBase
import ScrapeCore
package import ScrapeHTTP
import ScrapeResilience
import Glibc

/// The opening handshake of RFC 6455 section 4, done by hand on the channel so that a
/// refusal keeps its status and `Retry-After` (the reconnect rules need both).
package struct Handshake: Sendable {
    /// `Sec-WebSocket-Key`: 16 random bytes in base64.
    let key: String
    /// The request, ready to write.
    let request: [UInt8]
    /// What we asked for, to check the answer against.
    let subprotocol: String?
    let offeredCompression: Bool

    /// - Parameters:
    ///   - headers: extra handshake headers, already checked for CR/LF/NUL.
    ///   - url: the URL to ask for; its target may carry an `api_key` query.
    package init(url: StreamURL, headers: [(name: String, value: String)], subprotocol: String?, offerCompression: Bool, userAgent: String) {
        var random = SystemRandomNumberGenerator()
        key = Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        self.subprotocol = subprotocol
        offeredCompression = offerCompression
        var lines = [
            "GET \(url.target) HTTP/1.1",
            "Host: \(url.hostHeader)",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: \(key)",
            "Sec-WebSocket-Version: 13",
        ]
        // We offer the parameter so a server may choose our window; we never compress
        // what we send (RFC 7692 lets a sender leave any message uncompressed).
        if offerCompression { lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits") }
        if let subprotocol { lines.append("Sec-WebSocket-Protocol: \(subprotocol)") }
        let userAgentGiven = headers.contains { $0.name.lowercased() == "user-agent" }
        if !userAgentGiven { lines.append("User-Agent: \(userAgent)") }
        for header in headers { lines.append("\(header.name): \(header.value)") }
        request = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// What the server's answer means: the connection's settings, or why there is none.
    package func interpret(_ head: ResponseHead) -> Result<Negotiated, HandshakeFailure> {
        guard head.status == 101 else {
            let retryAfter = head.headers.first(name: "retry-after").flatMap { RetryAfter.delay($0, now: Int64(time(nil))) }
            return .failure(.refused(status: head.status, reason: head.reason, retryAfter: retryAfter))
        }
        guard head.headers.first(name: "upgrade")?.lowercased() == "websocket" else {
            return .failure(.invalid("the 101 answer has no Upgrade: websocket"))
        }
        guard head.headers.first(name: "connection")?.lowercased().split(separator: ",").contains(where: { $0.trimmingCharacters(in: " \t") == "upgrade" }) == true else {
            return .failure(.invalid("the 101 answer has no Connection: Upgrade"))
        }
        guard head.headers.first(name: "sec-websocket-accept")?.trimmingCharacters(in: " \t") == Self.accept(forKey: key) else {
            return .failure(.invalid("Sec-WebSocket-Accept does not match the key we sent"))
        }
        var negotiated = Negotiated()
        if let chosen = head.headers.first(name: "sec-websocket-protocol")?.trimmingCharacters(in: " \t"), !chosen.isEmpty {
            guard chosen == subprotocol else {
                return .failure(.invalid("the server chose subprotocol \"\(chosen)\", which we did not offer"))
            }
            negotiated.subprotocol = chosen
        }
        for extensions in head.headers["sec-websocket-extensions"] {
            for offer in extensions.split(separator: ",") {
                switch DeflateParameters.parse(offer) {
                case .success(let parameters):
                    guard offeredCompression, negotiated.deflate == nil else {
                        return .failure(.invalid("the server turned on permessage-deflate, which we did not offer"))
                    }
                    negotiated.deflate = parameters
                case .failure(let failure):
                    return .failure(failure)
                }
            }
        }
        return .success(negotiated)
    }
}

/// What a successful handshake settled.
package struct Negotiated: Sendable, Equatable {
    package var subprotocol: String?
    /// permessage-deflate's parameters, nil when the server did not take it.
    package var deflate: DeflateParameters?
}

/// Why a connection did not open.
package enum HandshakeFailure: Error, Sendable, Equatable {
    /// The server answered with a status other than 101 (`Retry-After` parsed when given).
    case refused(status: Int, reason: String, retryAfter: Duration?)
    /// A 101 that breaks RFC 6455 (wrong accept key, an extension we did not offer).
    case invalid(String)
}

/// The permessage-deflate parameters a server answered with (RFC 7692 section 7).
package struct DeflateParameters: Sendable, Equatable {
    /// The server resets its compression context after each message: so do we.
    package var serverNoContextTakeover = false

    package init() {}

    /// Parses one extension of `Sec-WebSocket-Extensions`; failure for any extension but
    /// permessage-deflate and for a parameter RFC 7692 does not allow in an answer.
    package static func parse(_ text: Substring) -> Result<DeflateParameters, HandshakeFailure> {
        let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
        guard let name = parts.first, name.lowercased() == "permessage-deflate" else {
            return .failure(.invalid("the server turned on extension \"\(parts.first ?? "")\", which we did not offer"))
        }
        var parameters = DeflateParameters()
        var seen: Set<String> = []
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t\"") }
            let key = pair[0].lowercased()
            guard seen.insert(key).inserted else { return .failure(.invalid("permessage-deflate parameter \(key) given twice")) }
            switch key {
            case "server_no_context_takeover":
                parameters.serverNoContextTakeover = true
            case "client_no_context_takeover":
                break  // we send uncompressed messages, so there is no context to keep
            case "server_max_window_bits", "client_max_window_bits":
                // Inflating with the largest window (15) reads any smaller one.
                guard pair.count == 2, let bits = Int(pair[1]), (8...15).contains(bits) else {
                    return .failure(.invalid("permessage-deflate \(key) must be 8 to 15"))
                }
            default:
                return .failure(.invalid("permessage-deflate parameter \"\(key)\" is not in RFC 7692"))
            }
        }
        return .success(parameters)
    }
}

/// A response head: the status line and the header fields, as received.
package struct ResponseHead: Sendable, Equatable {
    package var status: Int
    package var reason: String
    package var headers: HTTPHeaders

    /// Parses the bytes before the blank line (the blank line excluded); nil when the
    /// status line is not HTTP/1.x.
    package static func parse(_ bytes: some Collection<UInt8>) -> ResponseHead? {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let statusLine = lines.popFirst() else { return nil }
        let fields = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/1."), fields[1].count == 3, let status = Int(fields[1]) else { return nil }
        var head = ResponseHead(status: status, reason: fields.count == 3 ? String(fields[2]) : "", headers: HTTPHeaders())
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            head.headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: " \t"))
        }
        return head
    }
}

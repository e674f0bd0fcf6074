import ScrapeHTTP
public import ScrapeBase

extension ScrapeConfiguration {
    /// A WebSocket stream's settings: a daemon `ws:` job, and `scrape ws`, whose flags are
    /// set over the defaults (or over the `--config` job) through ``Setting``.
    ///
    /// The defaults are stated here and nowhere else: `StreamSettings` (what a connection
    /// runs with) is made from this type, the flags' help quotes ``Setting/defaultDescription``,
    /// and `ConfigReferenceTests` checks the tables of docs/config.md and docs/ws.md against both.
    public struct Stream: Sendable, Equatable {
        /// A ping goes out when nothing was received for this long: 30 s keeps a quiet
        /// stream inside the 60 s idle cut-off of common proxies and load balancers.
        public static let defaultPingInterval: Duration = .seconds(30)
        /// Larger messages are refused with 1009: 16 MiB is far above what feeds send and
        /// bounds what one stream can make us hold (and inflate) at once.
        public static let defaultMaxMessageSize = ByteCount(bytes: 16 * 1024 * 1024)
        /// The largest `max_message_size`: NIO's frame decoder takes a 32-bit limit.
        public static let maxMessageSizeLimit = Int(UInt32.max)

        public var url: StreamURL
        /// `send`: text messages sent after every connect, in order (subscriptions).
        public var send: [String] = []
        /// `headers`: extra handshake headers, added through ``addHeader(name:value:key:line:)``.
        public private(set) var headers: [(name: String, value: String)] = []
        public var auth: Auth?
        /// `subprotocol`: asked for with `Sec-WebSocket-Protocol`; none by default (a server
        /// that then picks one fails the handshake).
        public var subprotocol: String?
        /// `ping_interval`: default ``defaultPingInterval``.
        public var pingInterval = Self.defaultPingInterval
        /// `idle_timeout`: nothing at all received for this long means a dead or half-open
        /// connection. Nil (the default) is twice the ping interval, time for a ping's pong
        /// to come back: see ``effectiveIdleTimeout``.
        public var idleTimeout: Duration?
        /// `max_message_size`: default ``defaultMaxMessageSize``, at most ``maxMessageSizeLimit``.
        public var maxMessageSize = Self.defaultMaxMessageSize
        /// `compression`: offer permessage-deflate. On by default: feeds compress well, and
        /// a server that does not take it costs nothing.
        public var compression = true
        /// `cacert`: a PEM bundle trusted instead of the system's store (the default).
        public var caCertificate: String?

        public init(url: StreamURL) {
            self.url = url
        }

        /// The idle timeout in force: ``idleTimeout``, or twice the ping interval.
        public var effectiveIdleTimeout: Duration { idleTimeout ?? pingInterval * 2 }

        /// Adds a handshake header after the checks every one passes, from a flag or the
        /// file alike: a token for a name, not one the handshake writes itself, and a value
        /// without CR, LF or NUL (or nothing at all, most often an unset variable).
        ///
        /// - Parameter key: where it comes from, for the error: `jobs[0].ws.headers.X-Id`
        ///   or `--header X-Id`.
        /// - Throws: ``ConfigurationError`` naming `key`; the value is never quoted back.
        public mutating func addHeader(name: String, value: String, key: String, line: Int? = nil) throws(ConfigurationError) {
            guard HTTPHeaders.isValidName(name) else {
                throw ConfigurationError(key: key, message: "not a valid header name (an HTTP token: letters, digits, !#$%&'*+-.^_`|~)", line: line)
            }
            if let problem = Self.reservedHeaderProblem(name) { throw ConfigurationError(key: key, message: problem, line: line) }
            if let problem = HeaderCheck.problem(with: value) { throw ConfigurationError(key: key, message: "the value \(problem)", line: line) }
            headers.append((name, value))
        }

        /// Why a handshake header `name` may not be given (the client writes it itself),
        /// or nil when it may.
        public static func reservedHeaderProblem(_ name: String) -> String? {
            switch name.lowercased() {
            case "sec-websocket-protocol": "is set from the subprotocol setting"
            case "sec-websocket-extensions": "is set by scrape (permessage-deflate, or none with compression off)"
            case "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "content-length", "transfer-encoding":
                "is part of the WebSocket handshake, which scrape writes itself"
            default: nil
            }
        }

        /// Equal settings in force: a reload leaves such a stream connected.
        public static func == (lhs: Stream, rhs: Stream) -> Bool {
            lhs.url == rhs.url && lhs.send == rhs.send && lhs.headers.elementsEqual(rhs.headers) { $0 == $1 } && lhs.auth == rhs.auth
                && lhs.subprotocol == rhs.subprotocol && lhs.pingInterval == rhs.pingInterval
                && lhs.effectiveIdleTimeout == rhs.effectiveIdleTimeout && lhs.maxMessageSize == rhs.maxMessageSize
                && lhs.compression == rhs.compression && lhs.caCertificate == rhs.caCertificate
        }
    }
}

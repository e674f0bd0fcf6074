public import ScrapeBase
public import ScrapeCore
public import ScrapeHTTP
import ScrapeResilience

/// Everything one stream needs, from `scrape ws` flags or a daemon `ws:` job.
///
/// Made from a ``ScrapeCore/ScrapeConfiguration/Stream``, which owns the defaults of the
/// `ws:` keys; the settings no key reaches (the connect and close timeouts) have theirs here.
public struct StreamSettings: Sendable {
    public var url: StreamURL
    /// Text messages sent, in order, after every successful handshake (so a reconnect
    /// subscribes again).
    public var messagesToSend: [String]
    /// Extra handshake headers, checked for CR/LF/NUL where they entered.
    public var headers: [(name: String, value: String)]
    public var subprotocol: String?
    /// A ping is sent when nothing has been received for this long.
    public var pingInterval: Duration
    /// Nothing at all received for this long: the connection is dead.
    public var idleTimeout: Duration
    /// The largest message accepted (after inflating); larger ones close with 1009.
    public var maxMessageSize: Int
    /// Offer permessage-deflate.
    public var compression: Bool
    /// A PEM bundle trusted instead of the system's store (`--cacert`).
    public var caCertificatePath: String?
    public var userAgent: String
    /// TCP connect, TLS and the handshake's answer together: 10 s, as `http.connect_timeout`
    /// (a server that takes longer is better tried again with backoff).
    public var connectTimeout: Duration = .seconds(10)
    /// How long we wait for the server's close frame after sending ours: 1 s, so a stop
    /// (a signal, `--duration`) never hangs on a server that does not answer.
    public var closeTimeout: Duration = .seconds(1)
    public var reconnect: ReconnectPolicy
    /// `auth:` from the config file, applied before every handshake.
    public var credentials: StreamCredentials?
    /// An `http://` proxy to tunnel through with CONNECT (`--proxy`, `http.proxy`); nil: direct.
    public var proxy: ProxyURL?

    /// The settings of `stream`, sent with `userAgent`, reconnecting by `reconnect`.
    public init(_ stream: ScrapeConfiguration.Stream, userAgent: String, reconnect: ReconnectPolicy) {
        url = stream.url
        messagesToSend = stream.send
        headers = stream.headers
        subprotocol = stream.subprotocol
        pingInterval = stream.pingInterval
        idleTimeout = stream.effectiveIdleTimeout
        maxMessageSize = stream.maxMessageSize.bytes
        compression = stream.compression
        caCertificatePath = stream.caCertificate
        self.userAgent = userAgent
        self.reconnect = reconnect
    }

    /// The defaults for `url`.
    public init(url: StreamURL, userAgent: String, reconnect: ReconnectPolicy) {
        self.init(ScrapeConfiguration.Stream(url: url), userAgent: userAgent, reconnect: reconnect)
    }
}

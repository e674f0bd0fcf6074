public import ScrapeBase
public import ScrapeCore
import ScrapeResilience

/// Everything one stream needs, from `scrape ws` flags or a daemon `ws:` job.
public struct StreamSettings: Sendable {
    public var url: StreamURL
    /// Text messages sent, in order, after every successful handshake (so a reconnect
    /// subscribes again).
    public var messagesToSend: [String] = []
    /// Extra handshake headers, checked for CR/LF/NUL where they entered.
    public var headers: [(name: String, value: String)] = []
    public var subprotocol: String?
    /// A ping is sent when nothing has been received for this long.
    public var pingInterval: Duration = .seconds(30)
    /// Nothing at all received for this long: the connection is dead. Nil: twice the ping interval.
    public var idleTimeout: Duration?
    /// The largest message accepted (after inflating); larger ones close with 1009.
    public var maxMessageSize = 16 * 1024 * 1024
    /// Offer permessage-deflate.
    public var compression = true
    /// A PEM bundle trusted instead of the system's store (`--cacert`).
    public var caCertificatePath: String?
    public var userAgent: String
    /// TCP connect, TLS and the handshake's answer together.
    public var connectTimeout: Duration = .seconds(10)
    /// How long we wait for the server's close frame after sending ours.
    public var closeTimeout: Duration = .seconds(1)
    public var reconnect: ReconnectPolicy
    /// `auth:` from the config file, applied before every handshake.
    public var credentials: StreamCredentials?

    public init(url: StreamURL, userAgent: String, reconnect: ReconnectPolicy) {
        self.url = url
        self.userAgent = userAgent
        self.reconnect = reconnect
    }

    /// The idle timeout in force.
    public var effectiveIdleTimeout: Duration { idleTimeout ?? pingInterval * 2 }
}

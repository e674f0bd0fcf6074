import ScrapeBase

extension HTTPClient {
    /// Settings of one ``HTTPClient``, fixed for its lifetime.
    ///
    /// Every default is chosen for scraping many hosts politely and safely; each
    /// property says why. `ScrapeCore` builds this from the config file's `http:`
    /// section; this layer never sees YAML.
    public struct Configuration: Sendable {
        /// Connection limits, which are also the connection cache size.
        public struct Connections: Sendable {
            /// Open connections across all hosts. Default 64: enough to keep a 2-core machine
            /// busy on loopback and well above what any one site should see. Also sets
            /// `CURLMOPT_MAXCONNECTS`, so idle connections stay cached instead of curl's
            /// shrinking default closing them when load dips.
            public var maxTotal: Int = 64
            /// Open connections to one host (`CURLMOPT_MAX_HOST_CONNECTIONS`). Default 8: polite.
            ///
            /// - Important: transfers waiting for a connection inside curl count that wait
            ///   against their timeout; the scheduler above should keep per-host in-flight
            ///   requests at or below this.
            public var maxPerHost: Int = 8
            public init() {}
        }

        /// Timeouts. A `Duration` of zero disables that limit.
        public struct Timeouts: Sendable {
            /// Connect, DNS and TLS included. Default 10 s (curl's own default is 300 s).
            public var connect: Duration = .seconds(10)
            /// The whole transfer, redirects included. Default 30 s (curl has none).
            public var total: Duration = .seconds(30)
            /// Abort when fewer than ``lowSpeedBytesPerSecond`` arrive for this long. Default 30 s;
            /// zero disables. Catches servers that trickle a byte a second under the total timeout.
            public var lowSpeedTime: Duration = .seconds(30)
            /// The low-speed threshold in bytes per second. Default 1.
            public var lowSpeedBytesPerSecond: Int = 1
            public init() {}
        }

        /// Bounds on what one response may cost.
        public struct Limits: Sendable {
            /// The largest body kept, counted after decompression so a small compressed
            /// body cannot expand past it. Default 10 MiB.
            public var maxBodyBytes: Int = 10 * 1024 * 1024
            /// Redirects followed before failing with `too_many_redirects`. Default 10; 0 means
            /// redirects are not followed and the 3xx response is returned as is.
            public var maxRedirects: Int = 10
            /// Longest URL accepted. Default 64 KiB; longer ones get `invalid_url`.
            public var maxURLLength: Int = 64 * 1024
            public init() {}
        }

        /// TLS settings.
        public struct TLS: Sendable {
            /// Verify the peer's certificate and host name. Default true; turn off only for
            /// hosts you control, never by default.
            public var verifyPeer: Bool = true
            /// A PEM bundle of trusted CAs instead of the system's.
            public var caFile: String?
            public init() {}
        }

        /// HTTP versions to offer.
        public enum HTTPVersionPolicy: Sendable {
            /// HTTP/1.1 only.
            case http1Only
            /// HTTP/2 over TLS when the server offers it by ALPN, HTTP/1.1 otherwise (default).
            /// Plain-text h2c is never attempted: Debian's curl 7.88 breaks it on reused connections.
            case http2OverTLS
        }

        /// See ``Connections``.
        public var connections = Connections()
        /// See ``Timeouts``.
        public var timeouts = Timeouts()
        /// See ``Limits``.
        public var limits = Limits()
        /// See ``TLS``.
        public var tls = TLS()
        /// Default `http2OverTLS`.
        public var httpVersion: HTTPVersionPolicy = .http2OverTLS
        /// Sent unless the request sets its own `User-Agent`. Default `scrape/1.0` (``ScrapeVersion``).
        public var userAgent: String = "scrape/\(ScrapeVersion.number)"
        /// Ask for and decode every encoding curl supports (gzip, deflate, br, zstd). Default true.
        public var decompress: Bool = true
        /// Fixed name resolutions in curl's `HOST:PORT:ADDRESS` form (`CURLOPT_RESOLVE`), used
        /// to map real host names to loopback in tests without DNS. Default none.
        public var resolve: [String] = []
        /// The default proxy route and the hosts that go direct (`ProxyRoute.swift`). Default: as curl, the environment's.
        public var proxy = Proxy()

        /// The defaults above.
        public init() {}
    }
}

extension HTTPClient.Configuration {
    /// Short timeouts for tests against loopback servers, like AHC's
    /// `enableFastFailureModeForTesting()`: failures show in seconds, not minutes.
    public static func fastFailingForTesting() -> Self {
        var configuration = Self()
        configuration.timeouts.connect = .seconds(2)
        configuration.timeouts.total = .seconds(10)
        configuration.timeouts.lowSpeedTime = .seconds(5)
        return configuration
    }
}

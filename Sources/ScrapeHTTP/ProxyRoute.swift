/// How one request reaches its server: through a proxy, direct, or as the environment says.
public enum ProxyRoute: Sendable, Hashable {
    /// As curl does with no proxy set: the environment's `http_proxy`, `https_proxy`,
    /// `all_proxy` and `no_proxy` decide (``ProxyEnvironment``). The default.
    case environment
    /// Direct, whatever the environment says (`--proxy none`; curl's `CURLOPT_PROXY ""`).
    case direct
    /// Through this proxy, unless the host is in the no-proxy list.
    case proxy(ProxyURL)
}

extension HTTPClient.Configuration {
    /// How requests reach their servers: the default route and the hosts that go direct.
    public struct Proxy: Sendable, Hashable {
        /// The route of requests that name none (``FetchRequest/proxy`` nil). Default
        /// ``ProxyRoute/environment``, as curl.
        public var route: ProxyRoute = .environment
        /// Hosts that go direct even through a proxy (`CURLOPT_NOPROXY`); nil leaves the
        /// environment's `no_proxy` in force. Default nil.
        public var noProxy: NoProxyList?
        /// The environment as it was when the configuration was made.
        public var environment = ProxyEnvironment()
        /// A pool the page pipeline rotates over (`ProxyRotator`), nil without one. The client
        /// itself only carries it: each request names its proxy.
        public var pool: Pool?

        /// A pool of proxies and its timings (which follow the circuit breaker's).
        public struct Pool: Sendable, Hashable {
            public var proxies: [ProxyURL]
            /// `proxy_rotation: host`.
            public var rotatesByHost = false
            /// A (proxy, host) ban's first length, doubling to ``maximumBanCooldown``. Default 30 s.
            public var banCooldown: Duration = .seconds(30)
            public var maximumBanCooldown: Duration = .seconds(600)
            /// How long a host may have no usable proxy before its URLs fail. Default 300 s.
            public var giveUpAfter: Duration = .seconds(300)
            public init(proxies: [ProxyURL]) { self.proxies = proxies }
        }

        public init() {}

        /// The proxy that carries a request of `route` to `scheme://host`, nil when it goes
        /// direct: the answer curl's own rules give.
        public func carrier(of route: ProxyRoute, scheme: String, host: String) -> ProxyURL? {
            switch route {
            case .direct:
                return nil
            case .proxy(let proxy):
                return (noProxy ?? environment.noProxy)?.matches(host: host) == true ? nil : proxy
            case .environment:
                guard let proxy = environment.proxy(forScheme: scheme) else { return nil }
                return (noProxy ?? environment.noProxy)?.matches(host: host) == true ? nil : proxy
            }
        }
    }
}

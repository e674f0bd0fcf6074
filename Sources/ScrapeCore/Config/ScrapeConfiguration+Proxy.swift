public import ScrapeHTTP
import ScrapeBase

extension ScrapeConfiguration.HTTP {
    /// The proxy keys of `http:` (and of a job's `http:`), and the flags that set them.
    ///
    /// | key | form | default |
    /// |---|---|---|
    /// | `proxy` | `http://`, `https://`, `socks5://` or `socks5h://` URL, credentials in the userinfo; or `none` (direct, whatever the environment says) | unset: the environment's `http_proxy`/`https_proxy`/`all_proxy`/`no_proxy`, as curl |
    /// | `proxies` | a list of such URLs: a pool (step 3 of issue 29) | none |
    /// | `no_proxy` | hosts that go direct, curl's `NOPROXY` form (`a.com,.b.org,10.0.0.0/8`, `*`) | the environment's `no_proxy` |
    /// | `proxy_rotation` | `request` (each request takes the next healthy proxy) or `host` (a host keeps its proxy while it stays healthy) | `request` |
    ///
    /// `proxy` and `proxies` exclude each other. A single `proxy` is a pool of one.
    /// Errors name the key and the problem, never the URL's credentials.
    public struct ProxySettings: Sendable, Equatable {
        /// Where requests go.
        public enum Choice: Sendable, Equatable {
            /// As curl does by itself: the environment decides.
            case environment
            /// Direct (`proxy: none`, `--proxy none`).
            case direct
            /// Through these proxies, in this order (one for `proxy:`).
            case pool([ProxyURL])
        }

        /// How a pool picks a proxy.
        public enum Rotation: String, Sendable, Equatable {
            /// The next healthy proxy for every request (default).
            case request
            /// A host keeps one proxy while that proxy stays healthy and unbanned for it.
            case host
        }

        /// Default ``Choice/environment``.
        public var choice: Choice = .environment
        /// Default nil: the environment's `no_proxy`.
        public var noProxy: NoProxyList?
        /// Default ``Rotation/request``.
        public var rotation: Rotation = .request

        public init() {}

        /// The keys read from an `http:` map.
        public static let keys = ["proxy", "proxies", "no_proxy", "proxy_rotation"]

        /// The proxies of the pool, empty unless ``choice`` is a pool.
        public var pool: [ProxyURL] {
            if case .pool(let proxies) = choice { return proxies }
            return []
        }

        /// Sets `proxy` from its text (`none` or a URL).
        public mutating func setProxy(_ text: String, source: String, line: Int? = nil) throws(ConfigurationError) {
            if text == "none" {
                choice = .direct
                return
            }
            choice = .pool([try Self.parse(text, source: source, line: line)])
        }

        /// Sets `proxies` from its URLs; an empty list is refused (write `proxy: none` to go direct).
        public mutating func setPool(_ texts: [(text: String, line: Int?)], source: String) throws(ConfigurationError) {
            var pool: [ProxyURL] = []
            for (index, entry) in texts.enumerated() {
                pool.append(try Self.parse(entry.text, source: "\(source)[\(index)]", line: entry.line))
            }
            guard !pool.isEmpty else {
                throw ConfigurationError(key: source, message: "expected at least one proxy URL (write proxy: none to go direct)")
            }
            choice = .pool(pool)
        }

        /// Sets `no_proxy`.
        public mutating func setNoProxy(_ text: String, source: String, line: Int? = nil) throws(ConfigurationError) {
            guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                throw ConfigurationError(key: source, message: "expected host names, domains or addresses separated by commas", line: line)
            }
            noProxy = NoProxyList(text)
        }

        /// Sets `proxy_rotation`.
        public mutating func setRotation(_ text: String, source: String, line: Int? = nil) throws(ConfigurationError) {
            guard let rotation = Rotation(rawValue: text) else { throw .expected("request or host", key: source, got: text, line: line) }
            self.rotation = rotation
        }

        /// Reads a `--proxies` file: one URL a line; blank lines and `#` lines skipped.
        ///
        /// - Throws: ``ConfigurationError`` keyed `FILE:LINE` for a bad line (its text is
        ///   not quoted: it may hold credentials).
        public mutating func setPool(file path: String, source: String) throws(ConfigurationError) {
            guard let text = FileContents.read(path) else {
                throw ConfigurationError(key: source, message: "cannot read \(path): \(SystemCall.errorMessage())")
            }
            var entries: [(text: String, line: Int?)] = []
            for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimming(while: { $0 == " " || $0 == "\t" || $0 == "\r" })
                if line.isEmpty || line.hasPrefix("#") { continue }
                entries.append((String(line), index + 1))
            }
            guard !entries.isEmpty else { throw ConfigurationError(key: source, message: "\(path) lists no proxy URL") }
            var pool: [ProxyURL] = []
            for entry in entries {
                pool.append(try Self.parse(entry.text, source: "\(source) \(path)", line: entry.line))
            }
            choice = .pool(pool)
        }

        private static func parse(_ text: String, source: String, line: Int?) throws(ConfigurationError) -> ProxyURL {
            do {
                return try ProxyURL(parsing: text)
            } catch {
                throw ConfigurationError(key: source, message: error.message, line: line)
            }
        }

        /// The HTTP client's proxy settings: the pool's first proxy is the default route
        /// (a pool's pick overrides it per request).
        public var clientProxy: HTTPClient.Configuration.Proxy {
            var proxy = HTTPClient.Configuration.Proxy()
            switch choice {
            case .environment: proxy.route = .environment
            case .direct: proxy.route = .direct
            case .pool(let pool): proxy.route = pool.first.map(ProxyRoute.proxy) ?? .environment
            }
            if case .pool(let proxies) = choice {
                var pool = HTTPClient.Configuration.Proxy.Pool(proxies: proxies)
                pool.rotatesByHost = rotation == .host
                proxy.pool = pool
            }
            proxy.noProxy = noProxy
            return proxy
        }
    }
}

extension ScrapeConfiguration.HTTP.ProxySettings {
    /// Reads the proxy keys of an `http:` map.
    /// Reads the proxy keys of an `http:` map over these settings: a key the map does not
    /// give keeps its value (a job's `http:` over the top-level one).
    mutating func read(_ map: YAMLMap) throws(ConfigurationError) {
        if map["proxy"] != nil, map["proxies"] != nil {
            throw ConfigurationError(key: map.path("proxies"), message: "set either proxy or proxies, not both", line: map.line("proxies"))
        }
        if let text = try map.string("proxy") { try setProxy(text, source: map.path("proxy"), line: map.line("proxy")) }
        if map["proxies"] != nil {
            let texts = try map.stringList("proxies")
            try setPool(texts.map { ($0, map.line("proxies")) }, source: map.path("proxies"))
        }
        if let text = try map.string("no_proxy") { try setNoProxy(text, source: map.path("no_proxy"), line: map.line("no_proxy")) }
        if let text = try map.string("proxy_rotation") {
            try setRotation(text, source: map.path("proxy_rotation"), line: map.line("proxy_rotation"))
        }
    }
}

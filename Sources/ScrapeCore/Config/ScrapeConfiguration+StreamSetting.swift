import ScrapeHTTP

extension ScrapeConfiguration.Stream {
    /// The single-valued `ws:` keys, each of which a `scrape ws` flag can also set.
    ///
    /// As for ``ScrapeConfiguration/HTTP/Setting``, the YAML reader and the flags both go
    /// through ``set(_:from:source:line:)``: `--ping-interval` and `ws.ping_interval` accept
    /// the same text, apply the same bounds and say the same thing about a bad value.
    /// `compression` is not among them: its flag, `--no-compression`, only turns it off,
    /// and the key is a YAML boolean.
    public enum Setting: String, CaseIterable, Sendable {
        case subprotocol
        case pingInterval = "ping_interval"
        case idleTimeout = "idle_timeout"
        case maxMessageSize = "max_message_size"
        case caCertificate = "cacert"

        /// The key's name in the config file.
        public var key: String { rawValue }
        /// The flag's name: `--ping-interval` for `ping_interval`.
        public var flag: String { "--" + String(rawValue.map { $0 == "_" ? "-" : $0 }) }

        /// The default as the flags' help and docs/config.md write it; nil for a setting that
        /// is unset by default.
        public var defaultDescription: String? {
            switch self {
            case .pingInterval: ScrapeConfiguration.Stream.defaultPingInterval.configDescription
            case .idleTimeout: "twice the ping interval"
            case .maxMessageSize: ScrapeConfiguration.Stream.defaultMaxMessageSize.description
            case .subprotocol, .caCertificate: nil
            }
        }
    }

    /// Sets `setting` from its text form.
    ///
    /// - Parameters:
    ///   - source: the key path (`jobs[0].ws.ping_interval`) or the flag (`--ping-interval`),
    ///     for the error.
    ///   - line: the config file line, when the text comes from one.
    /// - Throws: ``ConfigurationError`` naming `source`.
    public mutating func set(_ setting: Setting, from text: String, source: String, line: Int? = nil) throws(ConfigurationError) {
        func parse<T>(_ parser: (String) throws(ValueParser.Mismatch) -> T) throws(ConfigurationError) -> T {
            try ValueParser.parse(text, as: source, line: line, with: parser)
        }
        switch setting {
        case .subprotocol:
            // RFC 6455 4.1: each subprotocol is a token.
            guard HTTPHeaders.isValidName(text) else {
                throw .expected("a token (letters, digits, !#$%&'*+-.^_`|~)", key: source, got: text, line: line)
            }
            subprotocol = text
        case .pingInterval: pingInterval = try parse { t throws(ValueParser.Mismatch) in try ValueParser.duration(t, positive: true) }
        case .idleTimeout: idleTimeout = try parse { t throws(ValueParser.Mismatch) in try ValueParser.duration(t, positive: true) }
        case .maxMessageSize:
            maxMessageSize = try parse { t throws(ValueParser.Mismatch) in
                let size = try? ValueParser.byteCount(t)
                guard let size, size.bytes >= 1, size.bytes <= Self.maxMessageSizeLimit else {
                    throw ValueParser.Mismatch(expected: "a size from 1B to 4GiB, like 64KiB or 16MiB")
                }
                return size
            }
        case .caCertificate:
            caCertificate = text  // read (and refused when it is no PEM bundle) with the TLS context
        }
    }
}

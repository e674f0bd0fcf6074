/// A YAML mapping with its key path, for typed look-ups whose errors say where they are.
struct YAMLMap {
    let path: String
    /// The line the mapping starts on, for "missing key" errors.
    let mapLine: Int?
    private let entries: [(key: String, value: YAMLNode, line: Int?)]

    /// The keys, in file order.
    var keys: [String] { entries.map(\.key) }

    init(_ node: YAMLNode, path: String) throws(ConfigurationError) {
        guard case .mapping(let mapping) = node else {
            throw ConfigurationError(key: path.isEmpty ? "(file)" : path, message: "expected a mapping of keys to values", line: node.mark.line)
        }
        self.path = path
        self.mapLine = node.mark.line
        var entries: [(key: String, value: YAMLNode, line: Int?)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ConfigurationError(key: path.isEmpty ? "(file)" : path, message: "keys must be strings", line: key.mark.line)
            }
            entries.append((name, value, key.mark.line))
        }
        self.entries = entries
    }

    subscript(key: String) -> YAMLNode? { entries.first { $0.key == key }?.value }

    func line(_ key: String) -> Int? { entries.first { $0.key == key }?.line }

    /// The dotted path of `key` below this map.
    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Rejects any key not in `allowed`, listing what is allowed.
    func allowOnly(_ allowed: [String]) throws(ConfigurationError) {
        for entry in entries where !allowed.contains(entry.key) {
            throw ConfigurationError(
                key: path(entry.key),
                message: "unknown key; expected one of \(allowed.joined(separator: ", "))",
                line: entry.line
            )
        }
    }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let node = self[key] else { return nil }
        guard case .scalar(let scalar) = node else {
            throw ConfigurationError(key: path(key), message: "expected a single value", line: line(key))
        }
        return scalar.string
    }

    func int(_ key: String, minimum: Int) throws(ConfigurationError) -> Int? {
        try parse(key) { text throws(ValueParser.Mismatch) in try ValueParser.integer(text, minimum: minimum) }
    }

    func duration(_ key: String, positive: Bool = false) throws(ConfigurationError) -> Duration? {
        try parse(key) { text throws(ValueParser.Mismatch) in try ValueParser.duration(text, positive: positive) }
    }

    func rate(_ key: String) throws(ConfigurationError) -> Rate? {
        try parse(key, with: ValueParser.rate)
    }

    func byteCount(_ key: String) throws(ConfigurationError) -> ByteCount? {
        try parse(key, with: ValueParser.byteCount)
    }

    /// The value at `key` through one of the shared ``ValueParser``s.
    private func parse<T>(_ key: String, with parser: (String) throws(ValueParser.Mismatch) -> T) throws(ConfigurationError) -> T? {
        guard let text = try string(key) else { return nil }
        return try ValueParser.parse(text, as: path(key), line: line(key), with: parser)
    }
}

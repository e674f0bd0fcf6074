import Yams

/// A YAML mapping with its key path, for typed look-ups whose errors say where they are.
struct YAMLMap {
    let path: String
    /// The line the mapping starts on, for "missing key" errors.
    let mapLine: Int?
    private let entries: [(key: String, value: Node, line: Int?)]

    /// The keys, in file order.
    var keys: [String] { entries.map(\.key) }

    init(_ node: Node, path: String) throws(ConfigurationError) {
        guard case .mapping(let mapping) = node else {
            throw ConfigurationError(key: path.isEmpty ? "(file)" : path, message: "expected a mapping of keys to values", line: node.mark?.line)
        }
        self.path = path
        self.mapLine = node.mark?.line
        var entries: [(key: String, value: Node, line: Int?)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ConfigurationError(key: path.isEmpty ? "(file)" : path, message: "keys must be strings", line: key.mark?.line)
            }
            entries.append((name, value, key.mark?.line))
        }
        self.entries = entries
    }

    subscript(key: String) -> Node? { entries.first { $0.key == key }?.value }

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
        guard let text = try string(key) else { return nil }
        guard let value = Int(text), value >= minimum else {
            throw .expected("a whole number >= \(minimum)", key: path(key), got: text, line: line(key))
        }
        return value
    }

    func duration(_ key: String) throws(ConfigurationError) -> Duration? {
        guard let text = try string(key) else { return nil }
        guard let value = Duration(parsing: text) else {
            throw .expected("a duration like 250ms, 30s, 5m or 1h", key: path(key), got: text, line: line(key))
        }
        return value
    }

    func rate(_ key: String) throws(ConfigurationError) -> Rate? {
        guard let text = try string(key) else { return nil }
        guard let value = Rate(parsing: text) else {
            throw .expected("N/s, N/m or N/h", key: path(key), got: text, line: line(key))
        }
        return value
    }

    func byteCount(_ key: String) throws(ConfigurationError) -> ByteCount? {
        guard let text = try string(key) else { return nil }
        guard let value = ByteCount(parsing: text) else {
            throw .expected("a size like 512KiB or 10MiB", key: path(key), got: text, line: line(key))
        }
        return value
    }
}

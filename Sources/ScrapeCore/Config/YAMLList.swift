import ScrapeHTTP

extension YAMLMap {
    /// A mapping of strings to strings (`params`, `headers`), in file order.
    func stringPairs(_ key: String) throws(ConfigurationError) -> [(name: String, value: String)] {
        guard let node = self[key] else { return [] }
        let map = try YAMLMap(node, path: path(key))
        var pairs: [(name: String, value: String)] = []
        for name in map.keys {
            guard let value = try map.string(name) else { continue }
            pairs.append((name, value))
        }
        return pairs
    }

    /// Request headers: names that are HTTP tokens, values without CR, LF or NUL.
    func headerPairs(_ key: String) throws(ConfigurationError) -> [(name: String, value: String)] {
        let pairs = try stringPairs(key)
        for (name, value) in pairs {
            guard HTTPHeaders.isValidName(name) else {
                throw ConfigurationError(key: "\(path(key)).\(name)", message: "not a valid header name (an HTTP token: letters, digits, !#$%&'*+-.^_`|~)", line: line(key))
            }
            guard HTTPHeaders.isValidValue(value) else {
                throw ConfigurationError(key: "\(path(key)).\(name)", message: HeaderCheck.injectionMessage, line: line(key))
            }
        }
        return pairs
    }

    /// A list of strings.
    func stringList(_ key: String) throws(ConfigurationError) -> [String] {
        guard let node = self[key] else { return [] }
        guard case .sequence(let sequence) = node else {
            throw ConfigurationError(key: path(key), message: "expected a list", line: line(key))
        }
        var values: [String] = []
        for item in sequence {
            guard case .scalar(let scalar) = item else {
                throw ConfigurationError(key: path(key), message: "expected a list of single values", line: item.mark.line)
            }
            values.append(scalar.string)
        }
        return values
    }

    /// A required string.
    func requiredString(_ key: String, _ what: String = "a value") throws(ConfigurationError) -> String {
        guard let value = try string(key), !value.isEmpty else {
            throw ConfigurationError(key: path(key), message: "missing: expected \(what)", line: line(key) ?? mapLine)
        }
        return value
    }

    /// A JSON path value.
    func jsonPath(_ key: String) throws(ConfigurationError) -> JSONPath? {
        guard let text = try string(key) else { return nil }
        guard let path = JSONPath(text) else {
            throw .expected("a dotted path like data.items or results[0].next", key: path(key), got: text, line: line(key))
        }
        return path
    }

    /// A boolean.
    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw .expected("true or false", key: path(key), got: text, line: line(key))
        }
    }

    /// A secret from `NAME_env` or `NAME_file`; inline values are refused.
    func secret(_ base: String, required: Bool = true) throws(ConfigurationError) -> ScrapeConfiguration.Secret? {
        if self[base] != nil {
            throw ConfigurationError(
                key: path(base), message: "secrets are not written inline; use \(base)_env (an environment variable) or \(base)_file",
                line: line(base))
        }
        if let name = try string(base + "_env") { return .environment(name) }
        if let file = try string(base + "_file") { return .file(file) }
        guard required else { return nil }
        throw ConfigurationError(key: path(base + "_env"), message: "missing: expected \(base)_env or \(base)_file", line: mapLine)
    }
}

/// A YAML sequence of mappings with its key path (`jobs[2]`).
struct YAMLList {
    let path: String
    let items: [YAMLNode]

    init(_ node: YAMLNode, path: String) throws(ConfigurationError) {
        guard case .sequence(let sequence) = node else {
            throw ConfigurationError(key: path, message: "expected a list", line: node.mark.line)
        }
        self.path = path
        self.items = Array(sequence)
    }

    func map(_ index: Int) throws(ConfigurationError) -> YAMLMap {
        try YAMLMap(items[index], path: "\(path)[\(index)]")
    }
}

/// A JSON value we build and write: a request body that pagination edits (from the job's
/// `json:` mapping, key order kept, values set at dotted key paths like `query.page`,
/// objects created on the way), and the keys a page stage adds to a record
/// (``ScrapeRecord/extras``). Encoded compactly, as `JSONLineEncoder` encodes strings.
///
/// Values taken from a response (a cursor) go in as ``raw(_:)``: the bytes the API sent,
/// so a numeric cursor stays a number and a string cursor a string.
package indirect enum JSONDocument: Sendable, Equatable {
    case object([Member])
    case array([JSONDocument])
    case string(String)
    /// A number as written.
    case number(String)
    case bool(Bool)
    case null
    /// A JSON value's bytes, copied from a response.
    case raw([UInt8])

    package struct Member: Sendable, Equatable {
        package var key: String
        package var value: JSONDocument

        package init(key: String, value: JSONDocument) {
            self.key = key
            self.value = value
        }
    }

    /// Whether this is an object (paginator values can be set in it).
    package var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// An empty object: the body when a job places paginator values but has no `json:`.
    package static let emptyObject = JSONDocument.object([])

    /// The document for a YAML node: mappings become objects (keys must be strings),
    /// sequences arrays, and scalars what YAML's core schema makes of them (`1` a number,
    /// `"1"` a string, `true` a boolean, `null` or `~` null).
    ///
    /// Integers keep every digit, beyond 64 bits too (`123456789012345678901234567890`
    /// is sent as that number, not as a string): JSON numbers have no size limit, and an
    /// API whose ids are that long expects them as written.
    ///
    /// Aliases were expanded by ``YAMLComposer``: `*name` is the anchored value again.
    ///
    /// - Throws: ``ConfigurationError`` at `path` for a non-string key, a number JSON
    ///   cannot hold (`.inf`, `.nan`), or a sexagesimal integer (`1:30`) beyond 64 bits.
    init(yaml node: YAMLNode, path: String) throws(ConfigurationError) {
        switch node {
        case .mapping(let mapping):
            var members: [Member] = []
            for (key, value) in mapping {
                guard let name = key.string, case .scalar = key else {
                    throw ConfigurationError(key: path, message: "keys of a JSON body must be strings", line: key.mark.line)
                }
                members.append(Member(key: name, value: try JSONDocument(yaml: value, path: "\(path).\(name)")))
            }
            self = .object(members)
        case .sequence(let sequence):
            var items: [JSONDocument] = []
            for (index, item) in sequence.enumerated() { items.append(try JSONDocument(yaml: item, path: "\(path)[\(index)]")) }
            self = .array(items)
        case .scalar(let scalar):
            switch scalar.tag {  // the resolved tag
            case .null: self = .null
            case .bool: self = scalar.bool.map(JSONDocument.bool) ?? .string(scalar.string)
            case .int:
                // Beyond 64 bits `scalar.int` is nil; the digits are still the number the user wrote.
                guard let digits = scalar.int.map(String.init) ?? Self.decimalDigits(ofYAMLInteger: scalar.string) else {
                    throw ConfigurationError(
                        key: path, message: "an integer this large must be written in decimal, hex, octal or binary, got \"\(scalar.string)\"",
                        line: scalar.mark.line)
                }
                self = .number(digits)
            case .float:
                guard let value = scalar.float, value.isFinite else {
                    throw ConfigurationError(key: path, message: "a JSON number must be finite, got \"\(scalar.string)\"", line: scalar.mark.line)
                }
                // Kept as written when JSON reads it as a number (`1.50`, `2e-3`), else Swift's spelling (`+1.5`, `.5`).
                let asWritten = if case .number? = try? JSONParser.parse(Array(scalar.string.utf8)) { true } else { false }
                self = .number(asWritten ? scalar.string : String(value))
            default: self = .string(scalar.string)
            }
        }
    }

    /// This document with `value` at `path` (keys from the root), replacing what is there;
    /// missing objects on the way are created, anything else on the way is replaced by one.
    package func setting(_ value: JSONDocument, at path: [String]) -> JSONDocument {
        guard let key = path.first else { return value }
        var members: [Member] = if case .object(let existing) = self { existing } else { [] }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = members[index].value.setting(value, at: Array(path.dropFirst()))
        } else {
            members.append(Member(key: key, value: JSONDocument.null.setting(value, at: Array(path.dropFirst()))))
        }
        return .object(members)
    }

    /// The key path of a value in this document that setting a value at `path` would
    /// replace: the value at `path`, or one on the way to it that is not an object. Nil
    /// when the path leads through objects only and ends at a key not there.
    package func valueReplaced(bySettingAt path: [String]) -> [String]? {
        guard let key = path.first else { return [] }
        guard case .object(let members) = self else { return [] }
        guard let member = members.first(where: { $0.key == key }) else { return nil }
        return member.value.valueReplaced(bySettingAt: Array(path.dropFirst())).map { [key] + $0 }
    }

    /// The compact JSON text.
    package var encoded: [UInt8] {
        var bytes: [UInt8] = []
        append(to: &bytes)
        return bytes
    }

    /// Appends the compact JSON text to `bytes`.
    package func append(to bytes: inout [UInt8]) {
        switch self {
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONLineEncoder.appendString(member.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.value.append(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                item.append(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .string(let text): JSONLineEncoder.appendString(text, to: &bytes)
        case .number(let text): bytes.append(contentsOf: text.utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: bytes.append(contentsOf: "null".utf8)
        case .raw(let source): bytes.append(contentsOf: source)
        }
    }
}

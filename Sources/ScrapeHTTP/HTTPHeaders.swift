/// An ordered list of HTTP header fields in which repeated names are kept.
///
/// Order and repetition matter for `Set-Cookie`, `Link` and `WWW-Authenticate`, so
/// this is a list of pairs, not a dictionary. Look-ups compare names ASCII
/// case-insensitively, as RFC 9110 says.
public struct HTTPHeaders: Sendable, Hashable {
    /// The fields in the order they were sent or added.
    public private(set) var fields: [(name: String, value: String)]

    /// Whether `name` can be a header field name: a non-empty RFC 9110 token.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(isTokenByte)
    }

    /// Whether `value` can be sent as a header field value: no CR, LF or NUL, which would
    /// end the header early and let the rest of the value inject headers of its own.
    public static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0 || $0 == 10 || $0 == 13 }
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    /// Creates a header list from name-value pairs, in order.
    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// Appends a field; an existing field of the same name is kept.
    public mutating func add(name: String, value: String) {
        fields.append((name, value))
    }

    /// Makes room for `count` fields.
    mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    /// Extends the last field's value (for obsolete line folding); does nothing when empty.
    mutating func appendToLastValue(_ suffix: String) {
        guard !fields.isEmpty else { return }
        fields[fields.count - 1].value += suffix
    }

    /// Replaces every field named `name` with one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        fields.append((name, value))
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Every value of the fields named `name`, in order.
    public subscript(name: String) -> [String] {
        fields.lazy.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// The value of the first field named `name`.
    public func first(name: String) -> String? {
        fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// Whether a field named `name` is present.
    public func contains(name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// ASCII case-insensitive equality, byte by byte: field names are tokens (ASCII), and
    /// every response's `ETag`, `Last-Modified` and `Retry-After` are looked up, so no
    /// lowercased copies are made.
    static func namesMatch(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8) { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= UInt8(ascii: "a") && (x | 0x20) <= UInt8(ascii: "z"))
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }
}

extension HTTPHeaders: ExpressibleByDictionaryLiteral {
    /// `["Accept": "text/html"]`, in the literal's order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (name: $0.0, value: $0.1) })
    }
}

extension HTTPHeaders: Sequence {
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }
}

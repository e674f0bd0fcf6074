/// A parsed JSON document that remembers where every value lies in the source bytes.
///
/// Records are copied out byte for byte (numbers never pass through a `Double`, so an
/// integer above 2^53 or a long decimal survives exactly, and key order is kept); paths
/// like `data.items[0].id` are followed to find record arrays, cursors, totals and links.
/// The parser is strict RFC 8259, iterative over containers' contents, and bounded in
/// depth so a hostile body cannot exhaust the stack.
public indirect enum JSONValue: Sendable {
    case object([(key: String, value: JSONValue)], Range<Int>)
    case array([JSONValue], Range<Int>)
    case string(String, Range<Int>)
    case number(Range<Int>)
    case bool(Bool, Range<Int>)
    case null(Range<Int>)

    /// The value's bytes in the source.
    public var range: Range<Int> {
        switch self {
        case .object(_, let r), .array(_, let r), .string(_, let r), .number(let r), .bool(_, let r), .null(let r): r
        }
    }

    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members, _) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Follows a dotted path with `[N]` indexes (`data.items`, `results[0].next`); `$` or an
    /// empty path is the value itself.
    public func value(at path: JSONPath) -> JSONValue? {
        var current = self
        for step in path.steps {
            switch step {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard case .array(let elements, _) = current, elements.indices.contains(index) else { return nil }
                current = elements[index]
            }
        }
        return current
    }

    /// The value as text for a query parameter or state file: a string's contents, a
    /// number's exact digits, `true`/`false`; nil for null, objects and arrays.
    public func scalarText(in source: [UInt8]) -> String? {
        switch self {
        case .string(let text, _): text
        case .number(let range): String(decoding: source[range], as: UTF8.self)
        case .bool(let value, _): value ? "true" : "false"
        case .null, .object, .array: nil
        }
    }

    /// The value's source bytes without insignificant whitespace: one line, otherwise exact.
    public func compactBytes(in source: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var inString = false
        var escaped = false
        for byte in source[range] {
            if inString {
                output.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "\""):
                inString = true
                output.append(byte)
            default: output.append(byte)
            }
        }
        return output
    }
}

/// A dotted path into JSON: `data.items`, `meta.next_cursor`, `results[0].id`; `$` is the root.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    public enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    public let steps: [Step]
    public let description: String

    /// Parses the path; nil when it is malformed (an empty segment, a bad index).
    public init?(_ text: String) {
        description = text
        let trimmed = text.hasPrefix("$.") ? String(text.dropFirst(2)) : (text == "$" ? "" : text)
        var steps: [Step] = []
        for segment in trimmed.split(separator: ".", omittingEmptySubsequences: false) where !trimmed.isEmpty {
            var rest = Substring(segment)
            let keyEnd = rest.firstIndex(of: "[") ?? rest.endIndex
            let key = rest[..<keyEnd]
            if !key.isEmpty { steps.append(.key(String(key))) }
            rest = rest[keyEnd...]
            if key.isEmpty, rest.isEmpty { return nil }
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                    let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0
                else { return nil }
                steps.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
        }
        self.steps = steps
    }

    /// The root.
    public static let root = JSONPath("$")!
}

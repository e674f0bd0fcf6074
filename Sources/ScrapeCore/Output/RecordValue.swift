/// A value a record carries beyond its fixed keys: JSON that the page pipeline's body
/// stages build (a field's text, a list of links, a metadata object).
///
/// Only what a page can give is here (no floating point: values taken from a page stay
/// its text), so encoding is exact and needs no number formatting.
public indirect enum RecordValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([RecordValue])
    case object([RecordMember])

    /// Appends the value as compact JSON.
    public func append(to output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): JSONLineEncoder.appendInt(value, to: &output)
        case .string(let value): JSONLineEncoder.appendString(value, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.append(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONLineEncoder.appendString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.append(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}

/// One key of a record or of a ``RecordValue/object(_:)``, in its place.
public struct RecordMember: Sendable, Equatable {
    public var key: String
    public var value: RecordValue

    public init(_ key: String, _ value: RecordValue) {
        self.key = key
        self.value = value
    }
}

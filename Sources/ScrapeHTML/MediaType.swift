import ScrapeBase

/// The parts of a `Content-Type` header the title extractor needs.
///
/// Parsed over the header's UTF-8 bytes with ASCII case folding: it runs once per page,
/// and the `split`/`lowercased` version showed in profiles (docs/benchmarks.md, "Measured choices").
struct MediaType {
    /// `type/subtype`, lowercased; nil when there was no header.
    let essence: String?
    /// The `charset` parameter, unquoted; nil when absent or empty.
    let charset: String?

    init(_ header: String?) {
        guard let header else {
            essence = nil
            charset = nil
            return
        }
        let bytes = Array(header.utf8)
        var segments = bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)[...]
        let first = segments.popFirst().map(Self.trimmed) ?? []
        essence = String(decoding: first.map(Self.lowercased), as: UTF8.self)
        var found: String?
        for parameter in segments {
            guard let equals = parameter.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = Self.trimmed(parameter[..<equals])
            guard name.count == 7, name.map(Self.lowercased).elementsEqual("charset".utf8) else { continue }
            var value = Self.trimmed(parameter[(equals + 1)...])
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            if !value.isEmpty { found = String(decoding: value, as: UTF8.self) }
            break
        }
        charset = found
    }

    /// HTML is parsed; so is a response without a type (servers forget it on HTML pages).
    var isHTML: Bool {
        guard let essence, !essence.isEmpty else { return true }
        return essence == "text/html" || essence == "application/xhtml+xml"
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        bytes.trimming(while: ASCIIByte.isSpaceOrTab)
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}

/// Encodes records as JSON Lines: one object per line, keys in the contract's order.
///
/// Hand-written because the format is fixed and small: key order is part of what users
/// see, and this is several times cheaper than a general encoder on the hot path. Strings
/// are escaped per RFC 8259 (quote, backslash, control characters); the output is UTF-8.
public enum JSONLineEncoder {
    /// Appends `record` and a newline to `output`.
    public static func encode(_ record: ScrapeRecord, into output: inout [UInt8]) {
        output.append(contentsOf: #"{"url":"#.utf8)
        if let bytes = record.urlBytes { appendEscapingInvalidBytes(bytes, to: &output) } else { appendString(record.url, to: &output) }
        output.append(contentsOf: #","final_url":"#.utf8)
        appendOptionalString(record.finalURL, to: &output)
        output.append(contentsOf: #","status":"#.utf8)
        appendOptionalInt(record.status, to: &output)
        output.append(contentsOf: #","title":"#.utf8)
        appendOptionalString(record.title, to: &output)
        if let fields = record.fields {
            output.append(contentsOf: #","fields":"#.utf8)
            fields.append(to: &output)
        }
        if let metadata = record.metadata {
            output.append(contentsOf: #","metadata":"#.utf8)
            metadata.append(to: &output)
        }
        output.append(contentsOf: #","error":"#.utf8)
        if let error = record.error {
            output.append(contentsOf: #"{"kind":"#.utf8)
            appendString(error.kind.rawValue, to: &output)
            output.append(contentsOf: #","message":"#.utf8)
            appendString(error.message, to: &output)
            output.append(UInt8(ascii: "}"))
        } else {
            output.append(contentsOf: "null".utf8)
        }
        output.append(contentsOf: #","content_type":"#.utf8)
        appendOptionalString(record.contentType, to: &output)
        output.append(contentsOf: #","bytes":"#.utf8)
        appendOptionalInt(record.bytes, to: &output)
        output.append(contentsOf: #","elapsed_ms":"#.utf8)
        appendOptionalInt(record.elapsedMilliseconds, to: &output)
        output.append(contentsOf: #","attempts":"#.utf8)
        appendInt(record.attempts, to: &output)
        output.append(contentsOf: #","fetched_at":""#.utf8)
        record.fetchedAt.append(to: &output)
        output.append(UInt8(ascii: "\""))
        // Added after the original keys (issue 28), so every earlier key keeps its place.
        output.append(contentsOf: #","etag":"#.utf8)
        appendOptionalString(record.etag, to: &output)
        output.append(contentsOf: #","last_modified":"#.utf8)
        appendOptionalString(record.lastModified, to: &output)
        output.append(contentsOf: #","content_sha256":"#.utf8)
        appendOptionalString(record.contentSHA256, to: &output)
        if let revisit = record.revisit {
            output.append(contentsOf: revisit.notModified ? #","not_modified":true"#.utf8 : #","not_modified":false"#.utf8)
            output.append(contentsOf: revisit.changed ? #","changed":true"#.utf8 : #","changed":false"#.utf8)
        }
        if let proxy = record.proxy {
            output.append(contentsOf: #","proxy":"#.utf8)
            appendString(proxy, to: &output)
        }
        for member in record.extras {
            output.append(UInt8(ascii: ","))
            appendString(member.key, to: &output)
            output.append(UInt8(ascii: ":"))
            member.value.append(to: &output)
        }
        output.append(contentsOf: "}\n".utf8)
    }

    /// One record as a line (with its newline).
    public static func line(for record: ScrapeRecord) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256 + record.url.utf8.count * 2)
        encode(record, into: &output)
        return output
    }

    private static func appendOptionalString(_ value: String?, to output: inout [UInt8]) {
        if let value { appendString(value, to: &output) } else { output.append(contentsOf: "null".utf8) }
    }

    private static func appendOptionalInt(_ value: Int?, to output: inout [UInt8]) {
        if let value { appendInt(value, to: &output) } else { output.append(contentsOf: "null".utf8) }
    }

    /// Decimal digits straight into the line, without a String in between; a value >= 0
    /// is padded with zeros to `minimumDigits` (the timestamp's fixed-width fields).
    public static func appendInt(_ value: Int, minimumDigits: Int = 1, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            if value >= 0, count < minimumDigits {
                output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: minimumDigits - count))
            }
            for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string literal. Swift strings are valid Unicode, so the UTF-8 is valid too.
    public static func appendString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in value.utf8 { appendEscaped(byte, to: &output) }
        output.append(UInt8(ascii: "\""))
    }

    /// A JSON string literal of bytes that are not all valid UTF-8: valid sequences as they
    /// are, each invalid byte as `\udcXX` (a lone low surrogate, Python's "surrogateescape"),
    /// so the bytes come back exactly: `json.loads(line)["url"].encode("utf-8", "surrogateescape")`.
    static func appendEscapingInvalidBytes(_ bytes: [UInt8], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length == 0 {
                output.append(contentsOf: #"\udc"#.utf8)
                output.append(hexDigits[Int(bytes[index] >> 4)])
                output.append(hexDigits[Int(bytes[index] & 0x0F)])
                index += 1
            } else {
                for byte in bytes[index..<(index + length)] { appendEscaped(byte, to: &output) }
                index += length
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
        case 0x0A: output.append(contentsOf: #"\n"#.utf8)
        case 0x0D: output.append(contentsOf: #"\r"#.utf8)
        case 0x09: output.append(contentsOf: #"\t"#.utf8)
        case 0x00..<0x20:
            output.append(contentsOf: #"\u00"#.utf8)
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        default: output.append(byte)
        }
    }

    /// A JSON string literal of bytes known to be valid UTF-8 (a WebSocket text message).
    public static func appendString(utf8 bytes: [UInt8], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in bytes { appendEscaped(byte, to: &output) }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether `bytes` are well-formed UTF-8 (an ASCII run is checked eight bytes at a time).
    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var index = 0
            let count = raw.count
            while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            while index < count {
                if raw[index] < 0x80 {
                    index += 1
                    continue
                }
                let length = validSequenceLength(bytes, at: index)
                if length == 0 { return false }
                index += length
            }
            return true
        }
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode Table 3-7), or 0.
    static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < bytes.count && range.contains(bytes[index + offset])
        }
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return continuation(1) ? 2 : 0
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: return 0
        }
    }
}

import Glibc

/// Turns a title element's raw text into what `document.title` returns.
enum TitleText {
    /// Decodes character references, replaces NUL, strips and collapses ASCII whitespace,
    /// and caps the result at `maxBytes` UTF-8 bytes on a character boundary.
    ///
    /// Invalid UTF-8 becomes U+FFFD, so the result is always valid text (and valid JSON).
    /// Works on UTF-8 bytes, not scalars: it runs once per page, and the scalar-by-scalar
    /// version showed in profiles (docs/benchmarks.md, "Measured choices").
    static func normalize(_ raw: [UInt8], maxBytes: Int) -> String {
        let valid = Array(String(decoding: raw, as: UTF8.self).utf8)  // invalid UTF-8 repaired
        return CharacterReferences.decode(valid).withUnsafeBufferPointer { collapse($0, maxBytes: maxBytes) }
    }

    /// The whitespace and NUL rules over valid UTF-8: runs of ASCII whitespace become one
    /// space, none at the ends; NUL becomes U+FFFD; at most `maxBytes` bytes, cut on a
    /// character boundary. The one copy of the rule: titles and field values
    /// (``DOMNode/collapsedTextContent``) both go through it.
    static func collapse(_ bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int = .max) -> String {
        if maxBytes >= bytes.count, let base = bytes.baseAddress, memchr(base, 0, bytes.count) == nil {
            return collapseUncapped(base, count: bytes.count)
        }
        var output: [UInt8] = []
        output.reserveCapacity(min(bytes.count, maxBytes))
        var pendingSpace = false
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if ASCII.isWhitespace(byte) {
                pendingSpace = !output.isEmpty
                bytes.formIndex(after: &index)
                continue
            }
            let width = byte == 0 ? 1 : sequenceLength(lead: byte)
            let end = bytes.index(index, offsetBy: width, limitedBy: bytes.endIndex) ?? bytes.endIndex
            let written = byte == 0 ? 3 : bytes.distance(from: index, to: end)  // NUL becomes U+FFFD
            if output.count + (pendingSpace ? 1 : 0) + written > maxBytes { break }
            if pendingSpace { output.append(UInt8(ascii: " ")) }
            pendingSpace = false
            if byte == 0 {
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
            } else {
                output.append(contentsOf: bytes[index..<end])
            }
            index = end
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// ``collapse(_:maxBytes:)`` when no cap can bite and there is no NUL (every field
    /// value: tree text has none): runs between whitespace are copied whole, straight
    /// into the string's storage.
    private static func collapseUncapped(_ base: UnsafePointer<UInt8>, count: Int) -> String {
        String(unsafeUninitializedCapacity: count) { output in
            var written = 0
            var pendingSpace = false
            var index = 0
            while index < count {
                if ASCII.isWhitespace(base[index]) {
                    pendingSpace = written > 0
                    index += 1
                    continue
                }
                var end = index + 1
                while end < count, !ASCII.isWhitespace(base[end]) { end += 1 }
                if pendingSpace {
                    output[written] = UInt8(ascii: " ")
                    written += 1
                    pendingSpace = false
                }
                UnsafeMutableRawPointer(output.baseAddress! + written).copyMemory(from: base + index, byteCount: end - index)
                written += end - index
                index = end
            }
            return written
        }
    }

    /// Bytes in the UTF-8 sequence that starts with `lead` (the input is valid UTF-8).
    private static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}

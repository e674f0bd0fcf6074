import Glibc

/// The `file:` URL of a path, the base URL of a saved page in `scrape extract` (what a
/// browser shows for a page opened from disk): absolute, with `.` and `..` segments
/// resolved as written (symbolic links are not followed), and every byte outside RFC
/// 3986's path characters percent-encoded (a space is `%20`, `é` is `%C3%A9`).
enum FileURL {
    static func of(path: String, currentDirectory: String? = nil) -> String {
        let absolute = path.hasPrefix("/") ? path : (currentDirectory ?? Self.currentDirectory()) + "/" + path
        var segments: [Substring] = []
        for segment in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        var url = "file://"
        if segments.isEmpty { url += "/" }
        for segment in segments {
            url += "/"
            for byte in segment.utf8 { url += Self.isPathByte(byte) ? String(UnicodeScalar(byte)) : Self.percentEncoded(byte) }
        }
        if path.hasSuffix("/"), !segments.isEmpty { url += "/" }
        return url
    }

    /// Unreserved characters, sub-delimiters, `:` and `@` (RFC 3986's `pchar`).
    private static func isPathByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
            true
        default: false
        }
    }

    private static func percentEncoded(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }

    private static func currentDirectory() -> String {
        guard let pointer = getcwd(nil, 0) else { return "/" }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

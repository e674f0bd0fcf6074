/// A character encoding as the WHATWG Encoding standard names it (`utf-8`,
/// `windows-1252`, `shift_jis`, ...), found from any of its labels.
///
/// Browsers read `iso-8859-1`, `latin1` and `ascii` as windows-1252, `gb2312` as GBK and
/// `x-sjis` as Shift_JIS; the label table (`EncodingLabels+Table.swift`, generated from
/// the standard's data) says so for every label.
struct WebEncoding: Hashable, Sendable {
    /// The standard's name, lowercase.
    let name: String

    static let utf8 = WebEncoding(name: "utf-8")
    static let utf16LE = WebEncoding(name: "utf-16le")
    static let utf16BE = WebEncoding(name: "utf-16be")
    static let windows1252 = WebEncoding(name: "windows-1252")
    static let xUserDefined = WebEncoding(name: "x-user-defined")
    static let replacement = WebEncoding(name: "replacement")

    /// The encoding a label names ("get an encoding": ASCII whitespace trimmed, ASCII case
    /// ignored); nil for an unknown label.
    init?(label: some Collection<UInt8>) {
        let trimmed = label.drop(while: ASCII.isWhitespace).reversed().drop(while: ASCII.isWhitespace).reversed()
        guard !trimmed.isEmpty, trimmed.count <= 64 else { return nil }
        let lowered = String(decoding: trimmed.map(ASCII.lowercased), as: UTF8.self)
        guard let name = Self.labels[lowered] else { return nil }
        self.name = name
    }

    /// The encoding a label names, from a Swift string (the HTTP charset).
    init?(label: String) {
        self.init(label: Array(label.utf8))
    }

    private init(name: String) {
        self.name = name
    }

    /// Whether the tokenizer can read the bytes as they are: every encoding whose bytes
    /// 0x00-0x7F are ASCII wherever `<`, `>`, `&`, quotes and whitespace can appear. Not
    /// UTF-16 (two bytes a character), ISO-2022-JP (escape sequences switch what bytes
    /// mean), or `replacement` (the whole document is one U+FFFD).
    var isASCIICompatible: Bool {
        self != .utf16LE && self != .utf16BE && name != "iso-2022-jp" && self != .replacement
    }

    /// glibc's iconv name for encodings decoded through iconv (the rest are decoded in
    /// Swift: UTF-8, windows-1252, x-user-defined, replacement).
    var iconvName: String {
        switch name {
        case "windows-874": "CP874"
        case "shift_jis": "CP932"  // the standard's Shift_JIS is Microsoft's, with its extensions
        case "euc-kr": "CP949"  // likewise windows-949
        case "big5": "BIG5-HKSCS"
        case "x-mac-cyrillic": "MAC-CYRILLIC"
        case "iso-8859-8-i": "ISO-8859-8"
        case "gbk": "GB18030"  // the standard decodes gbk with the gb18030 decoder
        default: name.uppercased()
        }
    }
}

/// Decides a document's encoding as the HTML standard's encoding sniffing algorithm
/// does, in its order:
/// 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) wins over everything, and is skipped;
/// 2. the HTTP `Content-Type` charset, when it is a known label;
/// 3. a `<meta charset>` or `<meta http-equiv="content-type" content="...charset=...">` in
///    the first 1024 bytes (``MetaPrescan``);
/// 4. UTF-8 (browsers fall back to a locale default, often windows-1252; our contract
///    says UTF-8, which is what nearly every undeclared modern page is), tentatively: a
///    `<meta>` further in, met by the parser, changes it (``TitleExtractor`` parses again).
enum EncodingSniffer {
    /// What the sniffing decided.
    struct Result {
        let encoding: WebEncoding
        /// Bytes of byte order mark to skip.
        let bomLength: Int
        /// Whether the encoding is a guess (step 4): then a `<meta>` the parser meets later
        /// changes it (the standard's "change the encoding": browsers parse again).
        let isTentative: Bool
    }

    static func sniff(_ document: UnsafeBufferPointer<UInt8>, httpCharset: String?) -> Result {
        if document.starts(with: [0xEF, 0xBB, 0xBF]) { return Result(encoding: .utf8, bomLength: 3, isTentative: false) }
        if document.starts(with: [0xFE, 0xFF]) { return Result(encoding: .utf16BE, bomLength: 2, isTentative: false) }
        if document.starts(with: [0xFF, 0xFE]) { return Result(encoding: .utf16LE, bomLength: 2, isTentative: false) }
        if let httpCharset, let encoding = WebEncoding(label: httpCharset) { return Result(encoding: encoding, bomLength: 0, isTentative: false) }
        // The prescan's answer is "tentative" in the standard too, but a later meta can only
        // repeat it: the prescan found the first one.
        if let encoding = MetaPrescan.encoding(in: UnsafeBufferPointer(rebasing: document.prefix(1024))) {
            return Result(encoding: encoding, bomLength: 0, isTentative: false)
        }
        return Result(encoding: .utf8, bomLength: 0, isTentative: true)
    }
}

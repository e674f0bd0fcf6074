/// The HTML standard's "prescan a byte stream to determine its encoding": finds a
/// `<meta charset>` or a `<meta http-equiv="content-type" content="...; charset=...">` in
/// the first bytes of a document, skipping comments and the attributes of other tags
/// the way the standard's byte-level scanner does (so a `<meta>` inside a comment or an
/// attribute value is not one). A transcription of the standard's steps, hence the
/// step-shaped code.
enum MetaPrescan {
    /// The declared encoding, or nil when there is none (or its label is unknown).
    static func encoding(in bytes: UnsafeBufferPointer<UInt8>) -> WebEncoding? {
        var position = 0
        let count = bytes.count
        func at(_ index: Int) -> UInt8? { index < count ? bytes[index] : nil }
        func startsWith(_ literal: String, at index: Int, caseInsensitive: Bool) -> Bool {
            var offset = index
            for byte in literal.utf8 {
                guard let value = at(offset) else { return false }
                if (caseInsensitive ? ASCII.lowercased(value) : value) != byte { return false }
                offset += 1
            }
            return true
        }
        while position < count {
            // Every step below starts at a `<`; most bytes are not one (this loop was a tenth
            // of a fast crawl's CPU when it tried each step at every byte).
            guard bytes[position] == 0x3C else {
                position += 1
                continue
            }
            if startsWith("<!--", at: position, caseInsensitive: false) {
                // To the first `>` preceded by `--`; the dashes of `<!--` count, so `<!-->` ends here.
                var end = position + 2
                while end < count, !(bytes[end] == 0x3E && bytes[end - 1] == 0x2D && bytes[end - 2] == 0x2D) { end += 1 }
                position = end + 1
                continue
            }
            if startsWith("<meta", at: position, caseInsensitive: true), let next = at(position + 5), ASCII.isWhitespace(next) || next == 0x2F {
                position += 6
                if let encoding = metaEncoding(bytes, &position) { return encoding }
                continue
            }
            if bytes[position] == 0x3C, let next = at(position + 1),
                ASCII.isLetter(next) || (next == 0x2F && at(position + 2).map(ASCII.isLetter) == true)
            {
                // A tag: skip its name, then its attributes.
                position += 1
                while position < count, !ASCII.isWhitespace(bytes[position]), bytes[position] != 0x3E { position += 1 }
                while nextAttribute(bytes, &position) != nil {}
                continue
            }
            if bytes[position] == 0x3C, let next = at(position + 1), next == 0x21 || next == 0x2F || next == 0x3F {
                while position < count, bytes[position] != 0x3E { position += 1 }
            }
            position += 1
        }
        return nil
    }

    /// The attributes of one `<meta` tag, decided as the standard's steps say.
    private static func metaEncoding(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int) -> WebEncoding? {
        var seen: Set<[UInt8]> = []
        var gotPragma = false
        var needPragma: Bool?
        var charset: WebEncoding??  // nil: not set; .some(nil): a label that names no encoding
        while let (name, value) = nextAttribute(bytes, &position) {
            guard seen.insert(name).inserted else { continue }
            switch String(decoding: name, as: UTF8.self) {
            case "http-equiv":
                if value.elementsEqual("content-type".utf8) { gotPragma = true }
            case "content":
                if charset == nil, let label = charsetLabel(inContent: value), let encoding = WebEncoding(label: label) {
                    charset = encoding
                    needPragma = true
                }
            case "charset":
                if charset == nil {
                    charset = .some(WebEncoding(label: value))
                    needPragma = false
                }
            default:
                break
            }
        }
        guard let needPragma, !(needPragma && !gotPragma), case var found?? = charset else { return nil }
        if found == .utf16LE || found == .utf16BE { found = .utf8 }
        if found == .xUserDefined { found = .windows1252 }
        return found
    }

    /// The standard's "get an attribute": the next name and value (lowercased), or nil at
    /// the tag's `>` or the end of the bytes.
    static func nextAttribute(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int) -> ([UInt8], [UInt8])? {
        let count = bytes.count
        while position < count, ASCII.isWhitespace(bytes[position]) || bytes[position] == 0x2F { position += 1 }
        guard position < count, bytes[position] != 0x3E else { return nil }
        var name: [UInt8] = []
        var value: [UInt8] = []
        // The name.
        while position < count {
            let byte = bytes[position]
            if byte == 0x3D, !name.isEmpty {
                position += 1
                return readValue(bytes, &position, name: name, value: &value)
            }
            if ASCII.isWhitespace(byte) { break }
            if byte == 0x2F || byte == 0x3E { return (name, value) }
            name.append(ASCII.lowercased(byte))
            position += 1
        }
        // Spaces, then perhaps `=`.
        while position < count, ASCII.isWhitespace(bytes[position]) { position += 1 }
        guard position < count, bytes[position] == 0x3D else { return (name, value) }
        position += 1
        return readValue(bytes, &position, name: name, value: &value)
    }

    private static func readValue(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, name: [UInt8], value: inout [UInt8]) -> ([UInt8], [UInt8])? {
        let count = bytes.count
        while position < count, ASCII.isWhitespace(bytes[position]) { position += 1 }
        guard position < count else { return (name, value) }
        let first = bytes[position]
        if first == 0x22 || first == 0x27 {
            position += 1
            while position < count {
                if bytes[position] == first {
                    position += 1
                    return (name, value)
                }
                value.append(ASCII.lowercased(bytes[position]))
                position += 1
            }
            return (name, value)
        }
        if first == 0x3E { return (name, value) }
        while position < count, !ASCII.isWhitespace(bytes[position]), bytes[position] != 0x3E {
            value.append(ASCII.lowercased(bytes[position]))
            position += 1
        }
        return (name, value)
    }

    /// The standard's "extracting a character encoding from a meta element": the label
    /// after `charset=` in a `content` value, or nil.
    static func charsetLabel(inContent content: [UInt8]) -> [UInt8]? {
        var position = 0
        let key = Array("charset".utf8)
        while position + key.count <= content.count {
            guard content[position..<(position + key.count)].elementsEqual(key) else {
                position += 1
                continue
            }
            position += key.count
            while position < content.count, ASCII.isWhitespace(content[position]) { position += 1 }
            guard position < content.count, content[position] == 0x3D else { continue }
            position += 1
            while position < content.count, ASCII.isWhitespace(content[position]) { position += 1 }
            guard position < content.count else { return nil }
            let first = content[position]
            if first == 0x22 || first == 0x27 {
                guard let end = content[(position + 1)...].firstIndex(of: first) else { return nil }
                return Array(content[(position + 1)..<end])
            }
            let end = content[position...].firstIndex { ASCII.isWhitespace($0) || $0 == 0x3B } ?? content.count
            return Array(content[position..<end])
        }
        return nil
    }

}

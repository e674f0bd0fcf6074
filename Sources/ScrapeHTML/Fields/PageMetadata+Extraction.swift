import CLibXML2

/// Reads ``PageMetadata`` from a parsed document in one walk over its elements.
extension PageMetadata {
    init(document: HTMLDocument, baseURL: WebURL?) {
        self.init()
        let name = AttributeLookup("name"), property = AttributeLookup("property"), content = AttributeLookup("content")
        let rel = AttributeLookup("rel"), href = AttributeLookup("href"), type = AttributeLookup("type")
        document.forEachElement { element in
            if element.isHTML("meta"), let value = content.value(on: element) {
                record(meta: element, content: value, name: name, property: property)
            } else if element.isHTML("script"), let kind = type.valueBytes(on: element), Self.isJSONLD(kind) {
                var text: [UInt8] = []
                element.appendTextContent(to: &text)
                jsonLD.append(String(decoding: text, as: UTF8.self))
            } else if canonical == nil, element.isHTML("link"), let link = rel.valueBytes(on: element),
                      Self.hasToken(Self.canonicalToken, in: link), let target = href.value(on: element) {
                canonical = WebURL(target, base: baseURL)?.href ?? target
            }
            return true
        }
    }

    /// Sorts one `<meta>` with a `content` into OpenGraph, Twitter or plain name/content.
    private mutating func record(meta element: DOMNode, content: String, name: AttributeLookup, property: AttributeLookup) {
        if let key = property.value(on: element) {
            if Self.hasPrefix("og:", key) {
                openGraph.append(Property(name: key, content: content))
                return
            }
            if Self.hasPrefix("twitter:", key) {
                twitter.append(Property(name: key, content: content))
                return
            }
        }
        guard let key = name.value(on: element) else { return }
        if Self.hasPrefix("twitter:", key) {
            twitter.append(Property(name: key, content: content))
        } else {
            meta.append(Property(name: key, content: content))
        }
    }

    private static func hasPrefix(_ prefix: StaticString, _ text: String) -> Bool {
        let expected = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        return text.utf8.count >= expected.count && zip(text.utf8, expected).allSatisfy { ASCII.lowercased($0) == $1 }
    }

    private static let jsonLDType: [UInt8] = Array("application/ld+json".utf8)
    private static let canonicalToken: [UInt8] = Array("canonical".utf8)

    /// `type`, trimmed of ASCII whitespace, is `application/ld+json` in any case.
    private static func isJSONLD(_ type: UnsafeBufferPointer<UInt8>) -> Bool {
        var slice = type[...]
        while let first = slice.first, ASCII.isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, ASCII.isWhitespace(last) { slice = slice.dropLast() }
        return slice.count == jsonLDType.count && zip(slice, jsonLDType).allSatisfy { ASCII.lowercased($0) == $1 }
    }

    /// Whether a space-separated token list holds `token`, ASCII case-insensitively.
    private static func hasToken(_ token: [UInt8], in list: UnsafeBufferPointer<UInt8>) -> Bool {
        list.split(whereSeparator: ASCII.isWhitespace).contains { word in
            word.count == token.count && zip(word, token).allSatisfy { ASCII.lowercased($0) == $1 }
        }
    }
}

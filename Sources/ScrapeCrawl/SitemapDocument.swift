import ScrapeBase

/// What one sitemap file lists (sitemaps.org): the `<loc>` values of an XML `<urlset>`
/// or `<sitemapindex>`, or the lines of a plain-text sitemap.
///
/// Read by a small scanner, not an XML parser: a sitemap is a flat list, and a scanner
/// takes what a broken one still holds. A `<loc>` may carry a namespace prefix
/// (`<sm:loc>`), CDATA and the five XML entities or numeric references.
struct SitemapDocument: Sendable, Equatable {
    /// Whether the file is a sitemap index (its locations are more sitemaps).
    let isIndex: Bool
    /// The locations, in the file's order, trimmed.
    let locations: [String]

    init(bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let start = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard start.hasPrefix("<") else {
            isIndex = false
            locations = start.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: " \t\r\n") }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            return
        }
        isIndex = Self.hasElement("sitemapindex", in: text)
        locations = Self.locs(in: text)
    }

    private static func hasElement(_ name: String, in text: String) -> Bool {
        text.contains("<" + name) || text.contains(":" + name)
    }

    /// Every `<loc>` (or `<prefix:loc>`) element's text.
    private static func locs(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "loc>") {
            let before = rest[..<open.lowerBound]
            rest = rest[open.upperBound...]
            // `<loc>` or `<p:loc>`, not `</loc>` or `<xloc>`.
            guard let lt = before.lastIndex(of: "<"), !before[lt...].hasPrefix("</") else { continue }
            let name = before[before.index(after: lt)...]
            guard name.isEmpty || name.hasSuffix(":"), !name.contains(where: { $0.isWhitespace || $0 == ">" }) else { continue }
            guard let close = rest.firstRange(of: "</") else { break }
            found.append(decode(rest[..<close.lowerBound]).trimmingCharacters(in: " \t\r\n"))
            rest = rest[close.lowerBound...]
        }
        return found.filter { !$0.isEmpty }
    }

    /// XML character data: CDATA kept as is, entities and numeric references decoded.
    private static func decode(_ value: Substring) -> String {
        var text = String(value)
        if let cdata = text.firstRange(of: "<![CDATA["), let end = text.firstRange(of: "]]>") {
            return String(text[cdata.upperBound..<end.lowerBound])
        }
        guard text.contains("&") else { return text }
        var decoded = ""
        while let amp = text.firstIndex(of: "&") {
            decoded += text[..<amp]
            let after = text[text.index(after: amp)...]
            guard let semicolon = after.firstIndex(of: ";"), after.distance(from: after.startIndex, to: semicolon) <= 10 else {
                decoded += "&"
                text = String(after)
                continue
            }
            let name = after[..<semicolon]
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"][String(name)]
            var scalar: Unicode.Scalar?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            } else if name.hasPrefix("#") {
                scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
            }
            if let replacement = named ?? scalar.map({ String(Character($0)) }) {
                decoded += replacement
            } else {
                decoded += "&" + name + ";"
            }
            text = String(after[after.index(after: semicolon)...])
        }
        return decoded + text
    }
}

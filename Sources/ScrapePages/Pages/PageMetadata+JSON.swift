package import ScrapeCore
package import ScrapeHTML

/// The record's `metadata` object (`--metadata`), keys always present, in this order:
///
/// | key | value |
/// |---|---|
/// | `json_ld` | array: each `<script type="application/ld+json">` block parsed on its own, in document order. A block whose top level is an array gives its items; an object with an `@graph` array gives the graph's items (each object item without an `@context` gets the block's); a block that is not valid JSON gives `{"error": "invalid JSON at byte N: REASON"}` and the other blocks are unaffected |
/// | `opengraph` | object: each `og:*` property (as written, `og:` kept) → its content; a property given more than once → an array of its contents, in document order |
/// | `twitter` | object: each `twitter:*` name → content, repeated → array, as `opengraph` |
/// | `meta` | object: every other `<meta name=… content=…>` name → content, repeated → array |
/// | `canonical` | the canonical link's URL as `PageMetadata` gives it, or `null` |
extension PageMetadata {
    package var document: JSONDocument {
        var jsonLD: [JSONDocument] = []
        for block in self.jsonLD { jsonLD.append(contentsOf: Self.entries(ofJSONLD: block)) }
        return .object([
            .init(key: "json_ld", value: .array(jsonLD)),
            .init(key: "opengraph", value: Self.grouped(openGraph.map { ($0.name, $0.content) })),
            .init(key: "twitter", value: Self.grouped(twitter.map { ($0.name, $0.content) })),
            .init(key: "meta", value: Self.grouped(meta.map { ($0.name, $0.content) })),
            .init(key: "canonical", value: canonical.map(JSONDocument.string) ?? .null),
        ])
    }

    /// Pairs as an object in first-seen order; a name given more than once holds an array.
    static func grouped(_ pairs: [(String, String)]) -> JSONDocument {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for (name, content) in pairs {
            if values[name] == nil { order.append(name) }
            values[name, default: []].append(content)
        }
        return .object(order.map { name in
            let contents = values[name] ?? []
            return .init(key: name, value: contents.count == 1 ? .string(contents[0]) : .array(contents.map(JSONDocument.string)))
        })
    }

    /// One JSON-LD block's entries: parsed with ScrapeCore's strict parser, `@graph` and
    /// top-level arrays flattened, or one `{"error": …}` entry.
    static func entries(ofJSONLD text: String) -> [JSONDocument] {
        let bytes = Array(text.utf8)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return [.object([.init(key: "error", value: .string(error.description))])]
        }
        switch value {
        case .array(let items, _):
            return items.flatMap { graphItems(of: $0, in: bytes) }
        default:
            return graphItems(of: value, in: bytes)
        }
    }

    /// `value`'s `@graph` items when it is an object holding a `@graph` array, else `value`.
    private static func graphItems(of value: JSONValue, in bytes: [UInt8]) -> [JSONDocument] {
        guard case .array(let items, _)? = value["@graph"] else { return [JSONDocument(value, in: bytes)] }
        let context = value["@context"]
        return items.map { item in
            var document = JSONDocument(item, in: bytes)
            if let context, case .object(let members) = document, !members.contains(where: { $0.key == "@context" }) {
                document = .object([.init(key: "@context", value: JSONDocument(context, in: bytes))] + members)
            }
            return document
        }
    }
}

extension JSONDocument {
    /// A parsed value as a document: key order kept, numbers exactly as written.
    package init(_ value: JSONValue, in source: [UInt8]) {
        switch value {
        case .object(let members, _): self = .object(members.map { .init(key: $0.key, value: JSONDocument($0.value, in: source)) })
        case .array(let items, _): self = .array(items.map { JSONDocument($0, in: source) })
        case .string(let text, _): self = .string(text)
        case .number(let range): self = .number(String(decoding: source[range], as: UTF8.self))
        case .bool(let flag, _): self = .bool(flag)
        case .null: self = .null
        }
    }
}

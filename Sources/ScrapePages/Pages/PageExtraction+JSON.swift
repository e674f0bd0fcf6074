package import ScrapeCore
package import ScrapeHTML

extension PageExtraction {
    /// The record's `fields` value: an object keyed by field name (``PageExtraction/fields``
    /// names are already without their `[]`), in the order the fields were given; `null`
    /// for a page that is not HTML.
    package var fieldsDocument: JSONDocument {
        guard isHTML else { return .null }
        return .object(fields.map { JSONDocument.Member(key: $0.name, value: JSONDocument($0.value)) })
    }

    /// The record's `metadata` value (see `PageMetadata+JSON.swift`); `null` for a page
    /// that is not HTML.
    package var metadataDocument: JSONDocument {
        guard isHTML, let metadata else { return .null }
        return metadata.document
    }
}

extension JSONDocument {
    /// A field's value as JSON: numbers as ``number(_:)-swift.type.method`` spells them
    /// (NaN and infinities `null`).
    package init(_ value: FieldValue) {
        switch value {
        case .null: self = .null
        case .string(let text): self = .string(text)
        case .number(let number): self = .number(number)
        case .bool(let flag): self = .bool(flag)
        case .array(let items): self = .array(items.map(JSONDocument.init))
        }
    }
}

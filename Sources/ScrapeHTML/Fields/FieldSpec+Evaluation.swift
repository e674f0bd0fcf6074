/// A field's value on one parsed page, by the "Values" rules.
extension FieldSpec {
    /// What evaluating needs besides the spec: the page, its base URL (for `::url`) and,
    /// when the field set has XPath fields, this thread's ``XPathWorkspace``.
    struct Page {
        let document: HTMLDocument
        let baseURL: WebURL?
        let xpath: XPathWorkspace?
    }

    /// The value on `page`: the first match (null when none), or with `[]` every match
    /// as an array.
    func value(on page: Page) -> FieldValue {
        switch compiled {
        case .css(let selector):
            return cssValue(selector, on: page)
        case .xpath(let slot):
            guard let workspace = page.xpath, let object = workspace.evaluate(slot, in: page.document) else {
                return takesAll ? .array([]) : .null
            }
            return XPathValue.fieldValue(of: object, takesAll: takesAll)
        }
    }

    private func cssValue(_ selector: CSSSelector, on page: Page) -> FieldValue {
        switch selector.pseudoElement {
        case nil:
            return elementValues(selector, on: page) { .string($0.collapsedTextContent) }
        case .text:
            return elementValues(selector, on: page) { .string($0.collapsedOwnText) }
        case .html:
            let serializer = HTMLSerializer()
            return elementValues(selector, on: page) { .string(serializer.outerHTML($0)) }
        case .attribute(let name):
            return attributeValues(selector, named: name, on: page) { .string($0) }
        case .url(let name):
            let base = page.baseURL
            return attributeValues(selector, named: name, on: page) { value in
                .string(WebURL(value, base: base)?.href ?? value)
            }
        }
    }

    /// One value per matched element: the first, or all with `[]`.
    private func elementValues(_ selector: CSSSelector, on page: Page, _ value: (DOMNode) -> FieldValue) -> FieldValue {
        if takesAll { return .array(selector.select(in: page.document).map(value)) }
        return selector.first(in: page.document).map(value) ?? .null
    }

    /// The attribute's value from the matched elements that have it: the first such (as
    /// parsel's `//a/@href`; the walk stops there), or all with `[]`.
    private func attributeValues(_ selector: CSSSelector, named name: String, on page: Page, _ value: (String) -> FieldValue) -> FieldValue {
        let lookup = AttributeLookup(name)
        if takesAll { return .array(selector.select(in: page.document).compactMap { lookup.value(on: $0) }.map(value)) }
        var first: String?
        selector.forEachMatch(in: page.document) { element in
            first = lookup.value(on: element)
            return first == nil
        }
        return first.map(value) ?? .null
    }
}

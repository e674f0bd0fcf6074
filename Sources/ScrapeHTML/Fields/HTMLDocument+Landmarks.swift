import CLibXML2

/// The elements of a document that page-level values come from: the title, the base URL.
extension HTMLDocument {
    /// Calls `visit` with every element in tree order (template contents are not children,
    /// so they are not visited) until it returns false. Iterative: any depth.
    func forEachElement(_ visit: (DOMNode) -> Bool) {
        let root = document.raw
        var next = root.pointee.children
        while let node = next {
            if node.pointee.type == XML_ELEMENT_NODE {
                guard visit(DOMNode(node)) else { return }
                if let child = node.pointee.children {
                    next = child
                    continue
                }
            }
            var climb: xmlNodePtr? = node
            next = nil
            while let up = climb, up != root {
                if let sibling = up.pointee.next {
                    next = sibling
                    break
                }
                climb = up.pointee.parent
            }
        }
    }

    /// The first HTML element named `name` (lowercase) in tree order that passes `test`.
    func firstHTMLElement(_ name: StaticString, where test: (DOMNode) -> Bool = { _ in true }) -> DOMNode? {
        var found: DOMNode?
        forEachElement { element in
            if element.isHTML(name), test(element) { found = element }
            return found == nil
        }
        return found
    }

    /// `document.title`: the first `title` element in the HTML namespace, its text with
    /// ASCII whitespace stripped and collapsed (the title rule, ``TitleText``); nil when
    /// there is none. A parsed `title` holds only text (its content is RCDATA).
    var title: String? {
        firstHTMLElement("title")?.collapsedOwnText
    }

    /// The HTML standard's document base URL: the first `base` element with an `href`,
    /// its value parsed against the response URL (the "frozen base URL"; the response URL
    /// when the value does not parse), else the response URL. Nil when neither parses
    /// (`::url` values then stay as written).
    func baseURL(responseURL: String) -> WebURL? {
        let fallback = WebURL(responseURL)
        let href = AttributeLookup("href")
        guard let base = firstHTMLElement("base", where: { href.valueBytes(on: $0) != nil }),
              let value = href.value(on: base) else { return fallback }
        return WebURL(value, base: fallback) ?? fallback
    }
}

/// A CSS selector list compiled once and matched against any number of documents, with
/// `querySelectorAll`'s results: elements in document order, each once; template contents
/// are not searched (they are not children). Immutable and `Sendable`: one compiled
/// selector serves every thread.
///
/// Grammar: Selectors Level 4 as people write them for `querySelectorAll` (see the
/// parser's files), then optionally one of scrape's pseudo-elements (``PseudoElement``).
/// In a list, the pseudo-element is written either after the last selector only, and then
/// applies to every selector (`h1, h2::text`), or after every selector, the same one
/// (`h1::text, h2::text`, parsel's way); a list that mixes pseudo-elements, or has one
/// that is not on its last selector, is refused, because a field takes one kind of value.
///
/// Case rules are the HTML standard's (section 4.16.2, "case-sensitivity of selectors"):
/// type selectors and attribute names compare lowercased with HTML elements and their
/// attributes, and as written with SVG and MathML ones (`foreignObject`, `[viewBox]`;
/// Chromium ignores case there, the standard does not); attribute values ignore ASCII case
/// for the standard's listed attributes (`type`, `rel`, `lang`…) on HTML elements unless
/// the `s` flag is given; `#id` and `.class` ignore ASCII case in quirks mode.
///
/// Refused with a ``SelectorError`` rather than matched: namespace prefixes (`svg|rect`,
/// `*|a`), pseudo-classes that need a browser's state or layout (`:hover`, `:checked`,
/// `:link`, `:lang()`…), pseudo-elements other than scrape's, arguments nested more than
/// 32 deep.
public struct CSSSelector: Sendable {
    /// The selector as given.
    public let text: String
    /// The pseudo-element that ends the selector (every selector of the list), if any.
    public let pseudoElement: PseudoElement?
    /// The syntax tree, as parsed (the tests read it).
    let list: SelectorList
    /// The same, laid out for matching.
    let program: SelectorProgram
    /// The names type and attribute selectors compare, indexed by the compiled selectors.
    let names: [[UInt8]]

    public init(_ text: String) throws(SelectorError) {
        var parser = SelectorParser(text)
        (list, pseudoElement) = try parser.parseSelectorList()
        self.text = text
        names = parser.names
        program = SelectorProgram(compiling: list)
    }

    /// Every matching element of the document, in document order.
    public func select(in document: HTMLDocument) -> [DOMNode] {
        var matcher = SelectorMatcher(selector: self, document: document)
        var found: [DOMNode] = []
        matcher.walk(document) { element in
            found.append(DOMNode(element))
            return true
        }
        return found
    }

    /// The first matching element in document order; the walk stops there.
    public func first(in document: HTMLDocument) -> DOMNode? {
        var matcher = SelectorMatcher(selector: self, document: document)
        var found: DOMNode?
        matcher.walk(document) { element in
            found = DOMNode(element)
            return false
        }
        return found
    }

    /// Calls `body` with each matching element in document order until it returns false
    /// (a field that wants the first match with some property stops the walk there).
    func forEachMatch(in document: HTMLDocument, _ body: (DOMNode) -> Bool) {
        var matcher = SelectorMatcher(selector: self, document: document)
        matcher.walk(document) { body(DOMNode($0)) }
    }

    /// Whether `element` (an element of `document`) matches the selector.
    public func matches(_ element: DOMNode, in document: HTMLDocument) -> Bool {
        guard element.isElement else { return false }
        var matcher = SelectorMatcher(selector: self, document: document)
        return matcher.matchesSelector(element.raw)
    }
}

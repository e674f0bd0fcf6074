/// One `--field NAME=SPEC`: what to take from each page and under which name.
///
/// The grammar (issue 26):
/// - `NAME=css:SELECTOR` or `NAME=SELECTOR`: a CSS selector (Selectors Level 4 as
///   ``CSSSelector`` parses it), optionally ending in one pseudo-element: `::text`,
///   `::attr(NAME)`, `::url(NAME)`, `::html`;
/// - `NAME=xpath:EXPRESSION`: an XPath 1.0 expression;
/// - a NAME ending in `[]` takes every match, in document order (an array); otherwise the
///   first match, or null.
///
/// The first `=` ends NAME (a selector may hold `=`, a NAME may not).
public struct FieldSpec: Sendable {
    /// What a spec evaluates.
    enum Query: Sendable {
        case css(CSSSelector)
        /// An expression of the field set's ``XPathPool``, by index.
        case xpath(slot: Int)
    }

    /// The spec as given (`NAME=SPEC`): what a job stores to rebuild the field set.
    public let text: String
    /// The key in the record's `fields` object: NAME without `[]`.
    public let name: String
    /// Whether NAME ended in `[]`: every match, as an array.
    public let takesAll: Bool
    /// The selector or expression, without its `css:`/`xpath:` prefix.
    public let query: String
    /// Whether ``query`` is XPath (else CSS).
    public let isXPath: Bool
    let compiled: Query

    /// Parses `NAME=SPEC`; an XPath expression is checked here and gets `xpathSlot`.
    init(parsing spec: String, xpathSlot: Int) throws(FieldSpecError) {
        guard let equals = spec.firstIndex(of: "=") else {
            throw FieldSpecError(kind: .missingEquals, spec: spec, field: "", query: "", message: "no '='", offset: nil)
        }
        text = spec
        var name = String(spec[..<equals])
        takesAll = name.hasSuffix("[]")
        if takesAll { name.removeLast(2) }
        guard !name.isEmpty else {
            throw FieldSpecError(kind: .emptyName, spec: spec, field: "", query: "", message: "empty NAME", offset: nil)
        }
        self.name = name
        let body = spec[spec.index(after: equals)...]
        if body.hasPrefix("xpath:") {
            let expression = String(body.dropFirst("xpath:".count))
            do throws(XPathCompiler.Failure) {
                try XPathCompiler.check(expression)
            } catch {
                let place = error.offset.map { " at offset \($0)" } ?? ""
                throw FieldSpecError(kind: .invalidXPath, spec: spec, field: name, query: expression,
                                     message: "does not parse as XPath 1.0: \(error.message)\(place)", offset: error.offset)
            }
            query = expression
            isXPath = true
            compiled = .xpath(slot: xpathSlot)
        } else {
            let selector = String(body.hasPrefix("css:") ? body.dropFirst("css:".count) : body)
            do throws(SelectorError) {
                compiled = .css(try CSSSelector(selector))
            } catch {
                // The selector parser says "… at N"; fields say "at offset N", as for XPath.
                let message = error.message.replacing(" at \(error.offset)", with: " at offset \(error.offset)", maxReplacements: 1)
                throw FieldSpecError(kind: .invalidSelector, spec: spec, field: name, query: selector, message: message, offset: error.offset)
            }
            query = selector
            isXPath = false
        }
    }
}

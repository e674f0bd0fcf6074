/// The fields a run extracts from every HTML page: parsed and checked once, before
/// anything is fetched, and shared by every parsing thread.
///
/// XPath expressions are compiled here to check them, and again once per thread that
/// evaluates them (``XPathPool``: libxml2's compiled expressions are not safe to share).
public struct FieldSet: Sendable {
    /// The fields, in the order given (the record's `fields` object keeps it).
    public let specs: [FieldSpec]
    /// The XPath fields' expressions, in slot order; nil when there are none.
    let xpath: XPathPool?

    /// Parses every `NAME=SPEC`.
    ///
    /// - Throws: ``FieldSpecError`` for the first bad spec: no `=`, an empty NAME, a NAME
    ///   given twice (`h2` and `h2[]` too: one key), a selector or XPath expression that
    ///   does not parse.
    public init(_ specs: [String]) throws(FieldSpecError) {
        var parsed: [FieldSpec] = []
        var expressions: [String] = []
        var seen: Set<String> = []
        for text in specs {
            let spec = try FieldSpec(parsing: text, xpathSlot: expressions.count)
            guard seen.insert(spec.name).inserted else {
                throw FieldSpecError(kind: .duplicateName, spec: text, field: spec.name, query: spec.query, message: "given twice", offset: nil)
            }
            if spec.isXPath { expressions.append(spec.query) }
            parsed.append(spec)
        }
        self.specs = parsed
        xpath = expressions.isEmpty ? nil : XPathPool(expressions: expressions)
    }

    /// No field asked for: the title stays on its fast path.
    public var isEmpty: Bool { specs.isEmpty }

    /// The keys of the `fields` object, in order (NAME without `[]`).
    public var names: [String] { specs.map(\.name) }
}

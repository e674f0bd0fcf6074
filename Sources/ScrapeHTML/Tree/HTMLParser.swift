/// Parses HTML the way browsers do (the HTML standard's section 13.2): tokenizer, then
/// tree builder, into an ``HTMLDocument``.
public enum HTMLParser {
    /// Parses a whole document from UTF-8 bytes (already decoded from the page's
    /// encoding). `scripting` is the standard's scripting flag: on, as in a browser,
    /// `<noscript>`'s content is raw text; off, it is parsed as markup.
    public static func parse(utf8: UnsafeBufferPointer<UInt8>, scripting: Bool = true) -> HTMLDocument {
        let document = HTMLDocument()
        var builder = TreeBuilder(document: document, tokenizer: HTMLTokenizer(utf8), scripting: scripting)
        builder.run()
        document.finishBuilding(elementsAreNumbered: builder.elementsInDocumentOrder)
        return document
    }

    /// The HTML fragment parsing algorithm (as for `innerHTML`): parses `utf8` in the
    /// context of an element named `contextName` (lowercase) in `contextNamespace`.
    /// The fragment's nodes are the children of the returned document's root `html` element.
    public static func parseFragment(utf8: UnsafeBufferPointer<UInt8>, contextName: String, contextNamespace: DOMNamespace = .html, scripting: Bool = true) -> HTMLDocument {
        let document = HTMLDocument()
        var tokenizer = HTMLTokenizer(utf8)
        let nameBytes = Array(contextName.utf8)
        if contextNamespace == .html {
            switch contextName.lowercased() {
            case "title", "textarea": tokenizer.state = .rcdata
            case "style", "xmp", "iframe", "noembed", "noframes": tokenizer.state = .rawtext
            case "script": tokenizer.state = .scriptData
            case "noscript" where scripting: tokenizer.state = .rawtext
            case "plaintext": tokenizer.state = .plaintext
            default: break
            }
        }
        var builder = TreeBuilder(document: document, tokenizer: tokenizer, scripting: scripting)
        builder.startFragment(contextName: nameBytes, namespace: contextNamespace)
        builder.run()
        document.finishBuilding()
        return document
    }
}

extension TreeBuilder {
    /// The fragment algorithm's set-up: a root `html` element on the stack, the context
    /// element (not in the tree) for the adjusted current node, the insertion mode reset.
    mutating func startFragment(contextName: [UInt8], namespace: DOMNamespace) {
        let root = document.createElement(TagNameTable.bytes(of: .html), namespace: .html, attributes: [])
        document.insert(root, into: document.document, before: nil)
        open.push(OpenElement(node: root, name: .html, namespace: .html))
        let lowercase = contextName.map(ASCII.lowercased)
        let localName = namespace == .svg ? (ForeignAdjustments.svgTagNames[lowercase] ?? lowercase) : lowercase
        let contextNode = document.createElement(localName, namespace: namespace, attributes: [])
        document.discard(contextNode)  // never in the tree: freed with the document
        let contextElement = OpenElement(node: contextNode, name: names.lookup(lowercase), namespace: namespace)
        context = contextElement
        if contextElement.isHTML(.template) { templateModes.append(.inTemplate) }
        resetInsertionMode()
        updateTokenizerCDATA()
    }
}

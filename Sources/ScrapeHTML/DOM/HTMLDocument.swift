package import CLibXML2

/// A parsed HTML document: a libxml2 tree built by the HTML standard's rules.
///
/// libxml2 holds the nodes (so XPath runs on them directly) but never parses: the tree
/// builder links the nodes itself, through ``HTMLDocument``'s building methods, because
/// libxml2's own insertion functions merge adjacent text nodes and its HTML parser builds
/// HTML4-era trees. Names are interned in the document's dictionary.
///
/// Not thread-safe: one document is built and read on one thread at a time. Moving a
/// finished document to another thread is fine (hence `@unchecked Sendable`): nothing in
/// it is shared with another document.
public final class HTMLDocument: @unchecked Sendable {
    /// The standard's document modes, decided by the DOCTYPE.
    public enum Mode: Sendable {
        case noQuirks
        case limitedQuirks
        case quirks
    }

    /// The libxml2 document; owned: freed with this object.
    package let raw: xmlDocPtr
    /// The namespace records elements and attributes point at, in ``DOMNamespace/foreign``
    /// order; owned here (libxml2 frees only namespaces declared on nodes).
    private let namespaceRecords: [xmlNsPtr]
    /// Every `template` element's contents fragment: freed before the document (their
    /// names live in its dictionary).
    private var fragments: [xmlNodePtr] = []
    /// Nodes the tree builder took out of the tree for good (``discard(_:)``): freed with
    /// the document, not at once, since the builder's lists may still point at them.
    private(set) var discarded: [xmlNodePtr] = []
    /// The document's mode, set by the tree builder from the DOCTYPE.
    public internal(set) var mode: Mode = .noQuirks

    /// An empty document (no children).
    public init() {
        guard let document = xmlNewDoc(nil) else { fatalError("libxml2 could not allocate a document") }
        document.pointee.dict = xmlDictCreate()
        raw = document
        namespaceRecords = DOMNamespace.foreign.map { namespace in
            // xmlNewNs refuses the reserved prefix `xml`: that record is made without a
            // prefix and given it afterwards (xmlFreeNs frees it like any other).
            let reserved = namespace == .xml
            guard let record = xmlNewNs(nil, namespace.uri, reserved ? nil : namespace.prefix) else {
                fatalError("libxml2 could not allocate a namespace")
            }
            if reserved { record.pointee.prefix = UnsafePointer(xmlStrdup("xml")) }
            return record
        }
    }

    deinit {
        // A discarded node the builder put back into the tree (the adoption agency moves
        // nodes it finds on its lists) goes with its new parent; read every parent before
        // freeing anything, and free each detached one once.
        var detached = Set<xmlNodePtr>()
        for node in discarded where node.pointee.parent == nil { detached.insert(node) }
        for node in detached { xmlFreeNode(node) }
        for fragment in fragments { xmlFreeNode(fragment) }
        xmlFreeDoc(raw)
        for record in namespaceRecords { xmlFreeNs(record) }
    }

    /// The document node.
    public var document: DOMNode { DOMNode(UnsafeMutableRawPointer(raw).assumingMemoryBound(to: xmlNode.self)) }

    /// The root element (`html` in every document the tree builder makes), or nil.
    public var documentElement: DOMNode? {
        var child = document.firstChild
        while let node = child, node.kind != .element { child = node.nextSibling }
        return child
    }

    /// The libxml2 record of `namespace`, or nil for HTML (no namespace).
    func namespaceRecord(_ namespace: DOMNamespace) -> xmlNsPtr? {
        guard let index = DOMNamespace.foreign.firstIndex(of: namespace) else { return nil }
        return namespaceRecords[index]
    }

    /// Takes `node` out of the tree (if it is in it) for good: it is freed with the
    /// document, unless it is back in the tree by then. For the nodes the standard drops
    /// (the `body` a `frameset` replaces, `selectedcontent`'s old children, a fragment
    /// parse's context element), which libxml2 would otherwise never free.
    func discard(_ node: DOMNode) {
        remove(node)
        discarded.append(node.raw)
    }

    /// Keeps a template's contents fragment alive as long as the document.
    func adoptFragment(_ fragment: xmlNodePtr) {
        fragments.append(fragment)
    }
}

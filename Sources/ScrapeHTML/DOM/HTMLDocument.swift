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
    /// The memory of every node, attribute and text of the tree (and of template
    /// contents): released whole after the libxml2 document (``NodeArena``).
    let arena = NodeArena()
    /// The document's mode, set by the tree builder from the DOCTYPE.
    public internal(set) var mode: Mode = .noQuirks

    /// libxml2's global state (`xmlInitParser`), set up once before the first document:
    /// its lazy first initialization is not safe to race, and two threads building their
    /// first documents at once deadlocked in `xmlDictCreate`'s random-seed mutex. A static
    /// `let` is initialized exactly once (`swift_once`), whoever comes first.
    private static let libxml2Ready: Void = xmlInitParser()

    /// An empty document (no children).
    public init() {
        _ = Self.libxml2Ready
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
        // The tree lives in the arena: libxml2 must not walk it. xmlFreeDoc then frees the
        // document record, the DOCTYPE (unlinked from the arena's nodes first: libxml2
        // unlinks it before freeing it) and the dictionary; the arena goes after it.
        if let doctype = raw.pointee.intSubset {
            doctype.pointee.parent = nil
            doctype.pointee.prev = nil
            doctype.pointee.next = nil
        }
        raw.pointee.children = nil
        raw.pointee.last = nil
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

    /// Takes `node` out of the tree for good: for the nodes the standard drops (the `body`
    /// a `frameset` replaces, `selectedcontent`'s old children, a fragment parse's context
    /// element). Their memory is the arena's, released with the document (before the arena,
    /// libxml2 never freed a node in no tree: a leak per such page).
    func discard(_ node: DOMNode) {
        remove(node)
    }
}

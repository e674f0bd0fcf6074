import CLibXML2

/// The operations the tree builder needs, in the DOM's terms: create, insert before or
/// append, remove. Nodes are linked here, not with libxml2's `xmlAddChild` family: those
/// merge a text node into a neighbouring one and free it, which the HTML standard does
/// only when inserting characters (``insertText(_:into:before:)``).
extension HTMLDocument {
    /// An attribute as the tokenizer and tree builder hand it over.
    struct NewAttribute {
        var namespace: DOMNamespace?
        var localName: [UInt8]
        var value: [UInt8]
    }

    /// A new element, not yet in the tree. A `template` in the HTML namespace gets its
    /// contents fragment (``DOMNode/templateContents``).
    func createElement(_ localName: [UInt8], namespace: DOMNamespace, attributes: [NewAttribute]) -> DOMNode {
        let element = localName.withUnsafeBufferPointer { createElement(named: nodeName($0), namespace: namespace) }
        var last: xmlAttrPtr?
        for attribute in attributes { last = setAttribute(attribute, on: element, after: last) }
        return element
    }

    /// A name for a new element or attribute, which takes it over: interned in the
    /// document's dictionary (shared by every node so named; libxml2 frees only names the
    /// dictionary does not own) while the dictionary is small, a copy of its own past
    /// ``internLimit`` distinct names: libxml2 2.9's dictionary slows down badly with
    /// hundreds of thousands of names (a page of generated attribute names), a copy does not.
    func nodeName(_ name: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let start = name.baseAddress ?? Self.emptyName.utf8Start
        let copy = xmlDictSize(raw.pointee.dict) < Self.internLimit
            ? xmlDictLookup(raw.pointee.dict, start, Int32(name.count)).map(UnsafeMutablePointer.init(mutating:))
            : xmlStrndup(start, Int32(name.count))
        guard let copy else { fatalError("libxml2 could not allocate a name") }
        return copy
    }

    /// Distinct names the dictionary takes (a page uses a few hundred).
    static let internLimit = 10_000

    /// Whether a ``nodeName(_:)`` is the dictionary's (so other nodes may share it).
    func isShared(_ name: UnsafePointer<UInt8>) -> Bool {
        xmlDictOwns(raw.pointee.dict, name) != 0
    }

    private static let emptyName: StaticString = ""

    /// A new element named by a ``nodeName(_:)`` (the tree builder reuses shared ones,
    /// so creating an element usually does no lookup), without attributes. A `template`
    /// in the HTML namespace gets its contents fragment (``DOMNode/templateContents``).
    func createElement(named name: UnsafeMutablePointer<UInt8>, namespace: DOMNamespace) -> DOMNode {
        guard let node = xmlNewDocNodeEatName(raw, namespaceRecord(namespace), name, nil) else {
            fatalError("libxml2 could not allocate an element")
        }
        if namespace == .html, xmlStrEqual(name, Self.templateName.utf8Start) != 0, let fragment = xmlNewDocFragment(raw) {
            adoptFragment(fragment)
            node.pointee._private = UnsafeMutableRawPointer(fragment)
        }
        return DOMNode(node)
    }

    private static let templateName: StaticString = "template"

    /// Adds an attribute to an element (the caller checks it is not there yet: the
    /// standard adds only missing ones to `html` and `body`), after `previous` (the
    /// element's last attribute) or, when nil, after whatever attributes it has.
    @discardableResult
    func setAttribute(_ attribute: NewAttribute, on element: DOMNode, after previous: xmlAttrPtr? = nil) -> xmlAttrPtr {
        attribute.localName.withUnsafeBufferPointer { name in
            attribute.value.withUnsafeBufferPointer { value in
                addAttribute(to: element, after: previous, namespace: attribute.namespace, localName: name, value: value)
            }
        }
    }

    /// Appends an attribute: the name a ``nodeName(_:)``, the value one text child made from the
    /// bytes directly (no NUL-terminated copies, and none of `xmlNewNsProp`'s ID-table
    /// lookup, which this tree has no use for). Linked here after `previous` (the
    /// element's last attribute; nil: found by a walk), not by libxml2, whose walk to the
    /// end would make a tag with many attributes quadratic.
    @discardableResult
    func addAttribute(to element: DOMNode, after previous: xmlAttrPtr? = nil, namespace: DOMNamespace?,
                      localName: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> xmlAttrPtr {
        guard let attribute = xmlNewNsPropEatName(nil, namespace.flatMap(namespaceRecord), nodeName(localName), nil) else {
            fatalError("libxml2 could not allocate an attribute")
        }
        attribute.pointee.doc = raw
        attribute.pointee.parent = element.raw
        var last = previous ?? element.raw.pointee.properties
        while let next = last?.pointee.next { last = next }
        if let last {
            last.pointee.next = attribute
            attribute.pointee.prev = last
        } else {
            element.raw.pointee.properties = attribute
        }
        guard let start = value.baseAddress, !value.isEmpty else { return attribute }
        guard let text = xmlNewDocTextLen(raw, start, Int32(value.count)) else { fatalError("libxml2 could not allocate text") }
        attribute.pointee.children = text
        attribute.pointee.last = text
        text.pointee.parent = UnsafeMutableRawPointer(attribute).assumingMemoryBound(to: xmlNode.self)
        return attribute
    }

    /// Whether an element has an attribute with this local name in no namespace.
    func hasAttribute(_ localName: [UInt8], on element: DOMNode) -> Bool {
        element.attributes.contains { $0.namespace == nil && $0.localNameBytes.elementsEqual(localName) }
    }

    /// A new comment node, not yet in the tree.
    func createComment(_ data: [UInt8]) -> DOMNode {
        var bytes = data
        bytes.append(0)
        guard let node = xmlNewDocComment(raw, bytes) else { fatalError("libxml2 could not allocate a comment") }
        return DOMNode(node)
    }

    /// Appends the DOCTYPE node (after any comments already in the document). Empty
    /// identifiers are recorded as missing: the DOM gives "" for both.
    func appendDoctype(name: [UInt8], publicID: [UInt8], systemID: [UInt8]) {
        func cString(_ bytes: [UInt8]) -> [UInt8]? { bytes.isEmpty ? nil : bytes + [0] }
        let dtd = xmlCreateIntSubset(raw, name + [0], cString(publicID), cString(systemID))
        guard let dtd else { return }
        // xmlCreateIntSubset links it before the first element; the tree builder only calls
        // this before there is one, so it lands last, as the standard appends it.
        _ = dtd
    }

    /// Inserts `child` (not in the tree) into `parent`, before `reference` (a child of
    /// `parent`), or last when `reference` is nil.
    func insert(_ child: DOMNode, into parent: DOMNode, before reference: DOMNode?) {
        let node = child.raw
        precondition(node.pointee.parent == nil && node.pointee.next == nil && node.pointee.prev == nil, "insert: the node is in the tree")
        node.pointee.parent = parent.raw
        if let reference = reference?.raw {
            node.pointee.next = reference
            node.pointee.prev = reference.pointee.prev
            if let previous = reference.pointee.prev { previous.pointee.next = node } else { parent.raw.pointee.children = node }
            reference.pointee.prev = node
        } else {
            node.pointee.prev = parent.raw.pointee.last
            if let last = parent.raw.pointee.last { last.pointee.next = node } else { parent.raw.pointee.children = node }
            parent.raw.pointee.last = node
        }
    }

    /// Takes a node out of the tree (its children stay with it).
    func remove(_ node: DOMNode) {
        let raw = node.raw
        guard let parent = raw.pointee.parent else { return }
        if let previous = raw.pointee.prev { previous.pointee.next = raw.pointee.next } else { parent.pointee.children = raw.pointee.next }
        if let next = raw.pointee.next { next.pointee.prev = raw.pointee.prev } else { parent.pointee.last = raw.pointee.prev }
        raw.pointee.parent = nil
        raw.pointee.next = nil
        raw.pointee.prev = nil
    }

    /// Moves every child of `source` to the end of `destination`, in order (the adoption
    /// agency's "append all children"): whole links, no copies, no text merging.
    func moveChildren(of source: DOMNode, to destination: DOMNode) {
        while let child = source.firstChild {
            remove(child)
            insert(child, into: destination, before: nil)
        }
    }

    /// Replaces the children of `destination` with deep copies of the children of
    /// `source` (elements with their attributes, text, comments; not template contents):
    /// the standard's "clone an option into a selectedcontent". A loop, not recursion.
    func replaceChildren(of destination: DOMNode, withCopiesOfChildrenOf source: DOMNode) {
        while let child = destination.firstChild { discard(child) }
        var pairs: [(from: DOMNode, to: DOMNode)] = [(source, destination)]
        while let (from, to) = pairs.popLast() {
            for child in from.children {
                let copy: DOMNode
                switch child.kind {
                case .element:
                    let attributes = child.attributes.map {
                        NewAttribute(namespace: $0.namespace, localName: Array($0.localNameBytes), value: Array($0.valueBytes))
                    }
                    copy = createElement(Array(child.nameBytes), namespace: child.namespace, attributes: attributes)
                    pairs.append((child, copy))
                case .comment:
                    copy = createComment(Array(child.dataBytes))
                case .text:
                    guard let node = xmlNewDocTextLen(raw, child.dataBytes.baseAddress, Int32(child.dataBytes.count)) else {
                        fatalError("libxml2 could not allocate text")
                    }
                    copy = DOMNode(node)
                default:
                    continue
                }
                insert(copy, into: to, before: nil)
            }
        }
    }

    /// The standard's "insert a character" for a run of UTF-8: appended to the Text node
    /// just before the insertion point when there is one, else a new Text node there.
    func insertText(_ text: UnsafeBufferPointer<UInt8>, into parent: DOMNode, before reference: DOMNode?) {
        guard let start = text.baseAddress, !text.isEmpty else { return }
        let previous = reference.map { $0.raw.pointee.prev } ?? parent.raw.pointee.last
        if let previous, previous.pointee.type == XML_TEXT_NODE {
            xmlNodeAddContentLen(previous, start, Int32(text.count))
            return
        }
        guard let node = xmlNewDocTextLen(raw, start, Int32(text.count)) else { fatalError("libxml2 could not allocate text") }
        insert(DOMNode(node), into: parent, before: reference)
    }

    /// Called once the tree is complete: numbers the elements in document order so that
    /// XPath sorts node-sets without walking the tree. `elementsAreNumbered`: the tree
    /// builder already numbered them, as it inserted them in document order (see
    /// ``number(_:as:)``), so the walk is not needed.
    func finishBuilding(elementsAreNumbered: Bool = false) {
        if !elementsAreNumbered { xmlXPathOrderDocElems(raw) }
    }

    /// Gives an element its document-order number the way `xmlXPathOrderDocElems` does
    /// (the negated count in `content`, which libxml2 never frees for elements).
    func number(_ element: DOMNode, as order: Int) {
        element.raw.pointee.content = UnsafeMutablePointer(bitPattern: -order)
    }
}

package import CLibXML2

/// A node of an ``HTMLDocument``: a view of one libxml2 node, valid while its document
/// lives. Cheap to copy and compare (a pointer); two views of one node are equal.
///
/// What the selector engine, the serializer and field extraction read. Template contents
/// are not children (as in the DOM): ``templateContents`` reaches them.
public struct DOMNode: Hashable {
    /// The kinds of node an HTML tree holds.
    public enum Kind: Sendable {
        case document
        case doctype
        case element
        case text
        case comment
        /// A `template` element's contents.
        case fragment
    }

    /// The libxml2 node (for the document node, its `xmlDoc` seen through the common
    /// header every libxml2 node starts with).
    package let raw: xmlNodePtr

    package init(_ raw: xmlNodePtr) {
        self.raw = raw
    }

    public var kind: Kind {
        switch raw.pointee.type {
        case XML_ELEMENT_NODE: return .element
        case XML_TEXT_NODE: return .text
        case XML_COMMENT_NODE: return .comment
        case XML_DTD_NODE: return .doctype
        case XML_DOCUMENT_FRAG_NODE: return .fragment
        default: return .document
        }
    }

    public var isElement: Bool { raw.pointee.type == XML_ELEMENT_NODE }

    // MARK: Tree

    public var parent: DOMNode? { raw.pointee.parent.map(DOMNode.init) }
    public var firstChild: DOMNode? { raw.pointee.children.map(DOMNode.init) }
    public var lastChild: DOMNode? { raw.pointee.last.map(DOMNode.init) }
    public var nextSibling: DOMNode? { raw.pointee.next.map(DOMNode.init) }
    public var previousSibling: DOMNode? { raw.pointee.prev.map(DOMNode.init) }

    /// The parent when it is an element (the DOM's `parentElement`).
    public var parentElement: DOMNode? {
        guard let parent = raw.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return DOMNode(parent)
    }

    /// The children, in order.
    public var children: DOMChildren { DOMChildren(first: raw.pointee.children) }

    /// A `template` element's contents fragment, or nil for any other node.
    public var templateContents: DOMNode? {
        guard isElement, let fragment = raw.pointee._private else { return nil }
        return DOMNode(fragment.assumingMemoryBound(to: xmlNode.self))
    }

    // MARK: Elements

    /// The element's local name, exactly as stored: lowercase for HTML elements; SVG's
    /// adjusted camel-case names (`foreignObject`) as the standard gives them.
    public var nameBytes: UnsafeBufferPointer<UInt8> {
        guard let name = raw.pointee.name else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: name, count: Int(xmlStrlen(name)))
    }

    /// The local name (elements), the DOCTYPE's name (doctypes), or "".
    public var name: String {
        guard let name = raw.pointee.name else { return "" }
        return String(cString: name)
    }

    /// The element's namespace (HTML for every other kind of node).
    public var namespace: DOMNamespace {
        DOMNamespace(prefix: raw.pointee.ns.map { UnsafePointer($0.pointee.prefix) } ?? nil)
    }

    /// Whether this is an HTML element named `name` (lowercase ASCII).
    public func isHTML(_ name: StaticString) -> Bool {
        guard isElement, raw.pointee.ns == nil, let own = raw.pointee.name else { return false }
        return xmlStrEqual(own, name.utf8Start) != 0
    }

    /// The element's attributes, in source order.
    public var attributes: DOMAttributes { DOMAttributes(first: isElement ? raw.pointee.properties : nil) }

    /// The value of the attribute with this local name in no namespace, or nil.
    public func attribute(_ localName: String) -> String? {
        for attribute in attributes where attribute.namespace == nil && attribute.localName == localName {
            return attribute.value
        }
        return nil
    }

    // MARK: Character data

    /// A text or comment node's data (UTF-8), or nil for other kinds.
    public var data: String? {
        guard raw.pointee.type == XML_TEXT_NODE || raw.pointee.type == XML_COMMENT_NODE,
              let content = raw.pointee.content else { return nil }
        return String(cString: content)
    }

    /// A text or comment node's data as bytes, without copying (empty for other kinds).
    public var dataBytes: UnsafeBufferPointer<UInt8> {
        guard raw.pointee.type == XML_TEXT_NODE || raw.pointee.type == XML_COMMENT_NODE,
              let content = raw.pointee.content else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))
    }

    /// The DOM's `textContent`: a text or comment node's data; for an element, document
    /// or fragment, all descendant text in tree order (template contents excluded).
    public var textContent: String {
        var bytes: [UInt8] = []
        appendTextContent(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``textContent``'s bytes to `bytes`: one walk, no intermediate strings.
    public func appendTextContent(to bytes: inout [UInt8]) {
        switch raw.pointee.type {
        case XML_TEXT_NODE, XML_COMMENT_NODE:
            bytes.append(contentsOf: dataBytes)
        default:
            var node = raw.pointee.children
            while let current = node {
                if current.pointee.type == XML_TEXT_NODE {
                    if let content = current.pointee.content { bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))) }
                } else if current.pointee.type == XML_ELEMENT_NODE, let child = current.pointee.children {
                    node = child
                    continue
                }
                // Next in tree order, climbing back up to (not past) this node.
                var climb: xmlNodePtr? = current
                node = nil
                while let up = climb, up != raw {
                    if let next = up.pointee.next { node = next; break }
                    climb = up.pointee.parent
                }
            }
        }
    }

    // MARK: DOCTYPE

    /// A DOCTYPE's public identifier ("" when it has none).
    public var publicID: String {
        guard raw.pointee.type == XML_DTD_NODE else { return "" }
        let dtd = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: xmlDtd.self)
        return dtd.pointee.ExternalID.map { String(cString: $0) } ?? ""
    }

    /// A DOCTYPE's system identifier ("" when it has none).
    public var systemID: String {
        guard raw.pointee.type == XML_DTD_NODE else { return "" }
        let dtd = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: xmlDtd.self)
        return dtd.pointee.SystemID.map { String(cString: $0) } ?? ""
    }
}

/// A node's children, as a sequence that follows `next` links.
public struct DOMChildren: Sequence {
    let first: xmlNodePtr?

    public struct Iterator: IteratorProtocol {
        var node: xmlNodePtr?
        public mutating func next() -> DOMNode? {
            guard let current = node else { return nil }
            node = current.pointee.next
            return DOMNode(current)
        }
    }

    public func makeIterator() -> Iterator { Iterator(node: first) }
}

/// One attribute of an element.
public struct DOMAttribute {
    package let raw: xmlAttrPtr

    /// The attribute's namespace: nil for the usual, unnamespaced attributes; xlink, xml
    /// or xmlns for the foreign attributes the tree builder adjusts.
    public var namespace: DOMNamespace? {
        guard let record = raw.pointee.ns else { return nil }
        return DOMNamespace(prefix: UnsafePointer(record.pointee.prefix))
    }

    /// The local name (lowercase for attributes on HTML elements; SVG and MathML's
    /// adjusted names such as `viewBox` and `definitionURL` as the standard gives them).
    public var localName: String { String(cString: raw.pointee.name) }

    /// The local name's bytes, without copying.
    public var localNameBytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: raw.pointee.name, count: Int(xmlStrlen(raw.pointee.name)))
    }

    /// The qualified name as serialized: `xlink:href`, `xml:lang`, `xmlns:xlink`, `xmlns`, or the local name.
    public var qualifiedName: String {
        guard let namespace else { return localName }
        if namespace == .xmlns && localName == "xmlns" { return "xmlns" }
        return (namespace.prefix ?? "") + ":" + localName
    }

    /// The value (UTF-8; an attribute's value is its single text child, none when empty).
    public var value: String {
        guard let text = raw.pointee.children, let content = text.pointee.content else { return "" }
        return String(cString: content)
    }

    /// The value's bytes, without copying.
    public var valueBytes: UnsafeBufferPointer<UInt8> {
        guard let text = raw.pointee.children, let content = text.pointee.content else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))
    }
}

/// An element's attributes, as a sequence that follows `next` links.
public struct DOMAttributes: Sequence {
    let first: xmlAttrPtr?

    public struct Iterator: IteratorProtocol {
        var attribute: xmlAttrPtr?
        public mutating func next() -> DOMAttribute? {
            guard let current = attribute else { return nil }
            attribute = current.pointee.next
            return DOMAttribute(raw: current)
        }
    }

    public func makeIterator() -> Iterator { Iterator(attribute: first) }
}

import CLibXML2

/// Turns an XPath result into a field value (issue 26, "Values"):
/// - a node-set gives its nodes' values, in document order: an element (or the document)
///   its text content, whitespace-collapsed; an attribute or text node its exact value; a
///   comment its data; a namespace node its URI;
/// - a string, number or boolean gives itself; NaN and the infinities give null (JSON has
///   no such numbers).
///
/// Without `[]` the first node's value, null for an empty node-set; with `[]` an array
/// (a scalar result is an array of one).
enum XPathValue {
    /// Reads and frees `object`.
    static func fieldValue(of object: xmlXPathObjectPtr, takesAll: Bool) -> FieldValue {
        defer { xmlXPathFreeObject(object) }
        switch object.pointee.type {
        case XPATH_NODESET, XPATH_XSLT_TREE:
            guard let set = object.pointee.nodesetval, set.pointee.nodeNr > 0, let nodes = set.pointee.nodeTab else {
                return takesAll ? .array([]) : .null
            }
            if !takesAll { return nodes[0].map(value(of:)) ?? .null }
            return .array((0..<Int(set.pointee.nodeNr)).compactMap { nodes[$0].map(value(of:)) })
        case XPATH_STRING:
            let string = FieldValue.string(object.pointee.stringval.map { String(cString: $0) } ?? "")
            return takesAll ? .array([string]) : string
        case XPATH_NUMBER:
            let number = object.pointee.floatval.isFinite ? FieldValue.number(object.pointee.floatval) : .null
            return takesAll ? .array([number]) : number
        case XPATH_BOOLEAN:
            let boolean = FieldValue.bool(object.pointee.boolval != 0)
            return takesAll ? .array([boolean]) : boolean
        default:
            return takesAll ? .array([]) : .null
        }
    }

    private static func value(of node: xmlNodePtr) -> FieldValue {
        switch node.pointee.type {
        case XML_ELEMENT_NODE, XML_DOCUMENT_NODE, XML_HTML_DOCUMENT_NODE, XML_DOCUMENT_FRAG_NODE:
            return .string(DOMNode(node).collapsedTextContent)
        case XML_ATTRIBUTE_NODE:
            let attribute = UnsafeMutableRawPointer(node).assumingMemoryBound(to: xmlAttr.self)
            return .string(DOMAttribute(raw: attribute).value)
        case XML_NAMESPACE_DECL:
            // libxml2 puts xmlNs records in node-sets for namespace::*.
            let namespace = UnsafeMutableRawPointer(node).assumingMemoryBound(to: xmlNs.self)
            return .string(namespace.pointee.href.map { String(cString: $0) } ?? "")
        default:
            return .string(node.pointee.content.map { String(cString: $0) } ?? "")
        }
    }
}

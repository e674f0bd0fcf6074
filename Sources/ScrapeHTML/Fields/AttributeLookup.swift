import CLibXML2

/// Finds an attribute by name as the DOM's `getAttribute` does: by qualified name
/// (`href`, `xlink:href`, `xml:lang`), lowercased first when the element is an HTML
/// element (the parser lowercased its attribute names; SVG keeps `viewBox`).
struct AttributeLookup {
    private let exact: [UInt8]
    private let lowercased: [UInt8]

    init(_ qualifiedName: String) {
        exact = Array(qualifiedName.utf8)
        lowercased = exact.map(ASCII.lowercased)
    }

    /// The value, exact, or nil when the element has no such attribute.
    func value(on element: DOMNode) -> String? {
        valueBytes(on: element).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The value's bytes, without copying.
    func valueBytes(on element: DOMNode) -> UnsafeBufferPointer<UInt8>? {
        guard element.isElement else { return nil }
        let name = element.raw.pointee.ns == nil ? lowercased : exact
        for attribute in element.attributes where Self.qualifiedName(of: attribute, equals: name) {
            return attribute.valueBytes
        }
        return nil
    }

    private static func qualifiedName(of attribute: DOMAttribute, equals name: [UInt8]) -> Bool {
        let local = attribute.localNameBytes
        guard let record = attribute.raw.pointee.ns, let prefixPointer = record.pointee.prefix else {
            return local.elementsEqual(name)
        }
        let prefix = UnsafeBufferPointer(start: prefixPointer, count: Int(xmlStrlen(prefixPointer)))
        // `xmlns` itself is recorded as local name xmlns in the xmlns namespace.
        if prefix.elementsEqual("xmlns".utf8), local.elementsEqual("xmlns".utf8) { return name.elementsEqual("xmlns".utf8) }
        guard name.count == prefix.count + 1 + local.count else { return false }
        return name[..<prefix.count].elementsEqual(prefix) && name[prefix.count] == UInt8(ascii: ":")
            && name[(prefix.count + 1)...].elementsEqual(local)
    }
}

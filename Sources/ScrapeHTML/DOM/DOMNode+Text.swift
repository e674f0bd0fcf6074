import CLibXML2

/// The text values fields give: an element's text content or its own text, with the
/// title's whitespace rule (``TitleText/collapse(_:maxBytes:)``).
///
/// Each walks the nodes' bytes into one buffer and makes one `String` at the end: no
/// string per node.
extension DOMNode {
    /// The DOM's `textContent` with runs of ASCII whitespace collapsed to one space and
    /// trimmed: the value of an element matched without a pseudo-element.
    public var collapsedTextContent: String {
        var bytes: [UInt8] = []
        appendTextContent(to: &bytes)
        return bytes.withUnsafeBufferPointer { TitleText.collapse($0) }
    }

    /// The node's own child text nodes, joined, whitespace-collapsed (`::text`); "" when
    /// it has none. Text inside child elements is not its own.
    public var collapsedOwnText: String {
        var bytes: [UInt8] = []
        var child = raw.pointee.children
        while let node = child {
            if node.pointee.type == XML_TEXT_NODE, let content = node.pointee.content {
                bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
            }
            child = node.pointee.next
        }
        return bytes.withUnsafeBufferPointer { TitleText.collapse($0) }
    }
}

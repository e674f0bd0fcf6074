import CLibXML2

/// The simple selectors: ids, classes, attributes, and the structural pseudo-classes.
extension SelectorMatcher {
    mutating func matches(condition index: Int, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Bool {
        let condition = conditions[index]
        switch condition.kind {
        case .id:
            guard let value = attributeValue(SelectorParser.idIndex, SelectorParser.idIndex, of: element) else { return false }
            return Self.equal(value, bytes(condition), ignoringCase: quirks)
        case .className:
            guard let value = attributeValue(SelectorParser.classIndex, SelectorParser.classIndex, of: element) else { return false }
            return Self.containsWord(value, bytes(condition), ignoringCase: quirks)
        case .attribute:
            guard let value = attributeValue(condition.c, condition.d, of: element) else { return false }
            return Self.matches(condition, value, bytes(condition), onHTMLElement: element.pointee.ns == nil)
        case .not:
            return !matches(list: condition.a, element, scope: scope)
        case .is:
            return matches(list: condition.a, element, scope: scope)
        case .has:
            return matchesHas(list: condition.a, element)
        case .nth:
            return matchesNth(condition, element, scope: scope)
        case .empty:
            var child = element.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { return false }
                if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
                   let content = current.pointee.content, content.pointee != 0 { return false }
                child = current.pointee.next
            }
            return true
        case .root:
            guard let parent = element.pointee.parent else { return false }
            return parent.pointee.type == XML_DOCUMENT_NODE || parent.pointee.type == XML_HTML_DOCUMENT_NODE
        case .scope:
            return element == scope
        }
    }

    /// An id's, class's or attribute value's bytes, in the program.
    private func bytes(_ condition: SelectorProgram.Condition) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[condition.a..<(condition.a + condition.b)])
    }

    // MARK: Attributes

    /// The value of the element's attribute in no namespace named `names[lowercased]` (on
    /// HTML elements) or `names[asWritten]` (on others: SVG keeps `viewBox`), or nil when
    /// it has none. The HTML standard's rule; Chromium ignores case on foreign elements too.
    func attributeValue(_ lowercased: Int, _ asWritten: Int, of element: xmlNodePtr) -> UnsafeBufferPointer<UInt8>? {
        guard let wanted = interned[element.pointee.ns == nil ? lowercased : asWritten] else { return nil }
        var attribute = element.pointee.properties
        while let current = attribute {
            if current.pointee.name == wanted && current.pointee.ns == nil {
                guard let text = current.pointee.children, let content = text.pointee.content else {
                    return UnsafeBufferPointer(start: nil, count: 0)
                }
                return UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))
            }
            attribute = current.pointee.next
        }
        return nil
    }

    static func matches(_ selector: SelectorProgram.Condition, _ value: UnsafeBufferPointer<UInt8>, _ wanted: UnsafeBufferPointer<UInt8>, onHTMLElement: Bool) -> Bool {
        let ignoringCase: Bool
        switch selector.caseRule {
        case .insensitive: ignoringCase = true
        case .sensitive: ignoringCase = false
        case .standard: ignoringCase = onHTMLElement && selector.legacy
        }
        switch selector.matcher {
        case .exists:
            return true
        case .equals:
            return equal(value, wanted, ignoringCase: ignoringCase)
        case .includes:
            guard !wanted.isEmpty, !wanted.contains(where: ASCII.isWhitespace) else { return false }
            return containsWord(value, wanted, ignoringCase: ignoringCase)
        case .dashMatch:
            guard value.count >= wanted.count, equal(UnsafeBufferPointer(rebasing: value[..<wanted.count]), wanted, ignoringCase: ignoringCase) else { return false }
            return value.count == wanted.count || value[wanted.count] == UInt8(ascii: "-")
        case .prefix:
            guard !wanted.isEmpty, value.count >= wanted.count else { return false }
            return equal(UnsafeBufferPointer(rebasing: value[..<wanted.count]), wanted, ignoringCase: ignoringCase)
        case .suffix:
            guard !wanted.isEmpty, value.count >= wanted.count else { return false }
            return equal(UnsafeBufferPointer(rebasing: value[(value.count - wanted.count)...]), wanted, ignoringCase: ignoringCase)
        case .substring:
            guard !wanted.isEmpty, value.count >= wanted.count else { return false }
            for start in 0...(value.count - wanted.count)
            where equal(UnsafeBufferPointer(rebasing: value[start..<(start + wanted.count)]), wanted, ignoringCase: ignoringCase) {
                return true
            }
            return false
        }
    }

    // MARK: Bytes

    static func equal(_ value: UnsafeBufferPointer<UInt8>, _ wanted: UnsafeBufferPointer<UInt8>, ignoringCase: Bool) -> Bool {
        guard value.count == wanted.count else { return false }
        if !ignoringCase { return value.elementsEqual(wanted) }
        for index in 0..<value.count where ASCII.lowercased(value[index]) != ASCII.lowercased(wanted[index]) {
            return false
        }
        return true
    }

    /// Whether `wanted` is one of the ASCII-whitespace-separated words of `value`.
    static func containsWord(_ value: UnsafeBufferPointer<UInt8>, _ wanted: UnsafeBufferPointer<UInt8>, ignoringCase: Bool) -> Bool {
        var start = 0
        while start < value.count {
            while start < value.count && ASCII.isWhitespace(value[start]) { start += 1 }
            var stop = start
            while stop < value.count && !ASCII.isWhitespace(value[stop]) { stop += 1 }
            if stop > start && equal(UnsafeBufferPointer(rebasing: value[start..<stop]), wanted, ignoringCase: ignoringCase) {
                return true
            }
            start = stop
        }
        return false
    }
}

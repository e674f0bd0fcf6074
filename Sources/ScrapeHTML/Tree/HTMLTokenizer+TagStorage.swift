/// How the tag being read is stored: in ``HTMLTokenizer/tag``, whose buffers are reused
/// from tag to tag (names, attribute entries), so that a page costs no allocation per tag
/// once the buffers have grown; and the standard's duplicate-attribute rule.
extension HTMLTokenizer {
    /// Starts a new tag token, reusing the storage of the last one.
    ///
    /// The name's buffer is reused (after a start tag, the buffer of the start tag before
    /// it: the last start tag's name is kept by swapping buffers, not copying). Attributes
    /// are reused in place: a start tag's attributes become stale entries that the next
    /// start tag's attributes overwrite (``attributeCount`` says how many are real), and an
    /// end tag parks them (end tags rarely have attributes) until the next start tag.
    mutating func startTag(isEnd: Bool) {
        if tagHoldsLastStartTag {
            swap(&tag.name, &lastStartTagStorage)
            tagHoldsLastStartTag = false
        }
        tagIsEnd = isEnd
        tagNameIsStale = true
        tag.selfClosing = false
        discardingAttribute = false
        attributeCount = 0
        attributeNameIsStale = false
        attributeValueIsStale = false
        if !attributeNames.isEmpty { attributeNames.removeAll(keepingCapacity: true) }
        if isEnd {
            if !tag.attributes.isEmpty {
                if parkedAttributes.isEmpty {
                    swap(&tag.attributes, &parkedAttributes)
                } else {
                    tag.attributes.removeAll(keepingCapacity: true)  // an end tag's attributes, twice: rare
                }
            }
        } else if tag.attributes.isEmpty && !parkedAttributes.isEmpty {
            swap(&tag.attributes, &parkedAttributes)
        }
    }

    /// Starts a new attribute with an empty name and value.
    mutating func startAttribute() {
        freshenAttributeValue()  // the previous attribute's, if it was never written
        discardingAttribute = false
        if attributeCount < tag.attributes.count {
            // reused in place: name and value are stale
        } else if let attribute = spareAttributes.popLast() {
            tag.attributes.append(attribute)
        } else {
            tag.attributes.append(HTMLAttribute(name: [], value: []))
        }
        attributeCount += 1
        attributeNameIsStale = true
        attributeValueIsStale = true
    }

    /// The standard's check when leaving the attribute name state: a name the tag already
    /// has makes the attribute a duplicate, dropped (its value is still read, then lost).
    mutating func checkDuplicateAttribute() {
        freshenAttributeName()
        let last = attributeCount - 1
        guard last > 0 else { return }
        let isDuplicate: Bool
        if last < Self.linearDuplicateCheckLimit {
            isDuplicate = tag.attributes[..<last].contains { $0.name == tag.attributes[last].name }
        } else {
            if attributeNames.isEmpty { attributeNames = Set(tag.attributes[..<last].lazy.map(\.name)) }
            isDuplicate = !attributeNames.insert(tag.attributes[last].name).inserted
        }
        if isDuplicate {
            attributeCount -= 1  // the entry stays, stale
            attributeValueIsStale = false
            discardingAttribute = true
            discardedValue.removeAll(keepingCapacity: true)
        }
    }

    /// Up to this many attributes, a new name is compared with each earlier one; past it, a
    /// set of the names is kept, so that a tag with thousands of attributes (a hostile page)
    /// is not quadratic.
    static let linearDuplicateCheckLimit = 32

    /// Drops the stale attribute entries (to the spare pool) before the tag is handed out.
    mutating func finishAttributes() {
        freshenTagName()
        freshenAttributeValue()
        discardingAttribute = false
        guard tag.attributes.count > attributeCount else { return }
        spareAttributes.append(contentsOf: tag.attributes[attributeCount...])
        tag.attributes.removeSubrange(attributeCount...)
    }

    /// Appends `byte` to the current attribute's value.
    @inline(__always) mutating func appendToAttributeValue(_ byte: UInt8) {
        if discardingAttribute {
            discardedValue.append(byte)
        } else {
            freshenAttributeValue()
            tag.attributes[attributeCount - 1].value.append(byte)
        }
    }

    /// Appends `bytes` to the current attribute's value.
    @inline(__always) mutating func appendToAttributeValue(_ bytes: some Collection<UInt8>) {
        if discardingAttribute {
            discardedValue.append(contentsOf: bytes)
        } else {
            Self.write(bytes, to: &tag.attributes[attributeCount - 1].value, stale: &attributeValueIsStale)
        }
    }

    /// Appends `run` to `name`, ASCII-lowercased; replaces what `name` holds instead if it
    /// is `stale` (a reused buffer: one call instead of emptying it, then appending).
    @inline(__always)
    static func writeName(_ run: UnsafeBufferPointer<UInt8>, hasCapitals: Bool, to name: inout [UInt8], stale: inout Bool) {
        if stale {
            stale = false
            if hasCapitals {
                name.replaceSubrange(name.startIndex..<name.endIndex, with: run.lazy.map(ASCII.lowercased))
            } else {
                name.replaceSubrange(name.startIndex..<name.endIndex, with: run)
            }
        } else if hasCapitals {
            name.append(contentsOf: run.lazy.map(ASCII.lowercased))
        } else {
            name.append(contentsOf: run)
        }
    }

    /// Empties the tag name if it still holds an earlier tag's (before a write that is not
    /// `writeName`, or a read).
    mutating func freshenTagName() {
        if tagNameIsStale {
            tag.name.removeAll(keepingCapacity: true)
            tagNameIsStale = false
        }
    }

    /// Empties the current attribute's value if it still holds an earlier attribute's.
    mutating func freshenAttributeValue() {
        if attributeValueIsStale {
            tag.attributes[attributeCount - 1].value.removeAll(keepingCapacity: true)
            attributeValueIsStale = false
        }
    }

    /// Appends `bytes` to `buffer`, or replaces its contents with them if it is `stale`.
    @inline(__always) static func write(_ bytes: some Collection<UInt8>, to buffer: inout [UInt8], stale: inout Bool) {
        if stale {
            stale = false
            buffer.replaceSubrange(buffer.startIndex..<buffer.endIndex, with: bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Empties the current attribute's name if it still holds an earlier attribute's.
    mutating func freshenAttributeName() {
        if attributeNameIsStale {
            tag.attributes[attributeCount - 1].name.removeAll(keepingCapacity: true)
            attributeNameIsStale = false
        }
    }
}

extension BidirectionalCollection {
    /// This collection without the elements `isTrimmed` accepts at either end: one
    /// trimmer for header bytes, input lines and config text alike. Inlinable: it runs for
    /// every response header line, and unspecialised it cost a measurable share of a scrape.
    @inlinable
    public func trimming(while isTrimmed: (Element) -> Bool) -> SubSequence {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}

extension StringProtocol {
    /// Drops the given characters from both ends, compared as Unicode scalars (so `"\r\n"`
    /// in the set means CR and LF, not the single CRLF character).
    public func trimmingCharacters(in set: String) -> String {
        let members = Set(set.unicodeScalars)
        return String(String.UnicodeScalarView(unicodeScalars.trimming(while: members.contains)))
    }
}

/// Byte classes the parsers share.
public enum ASCIIByte {
    /// Space or tab: HTTP's optional whitespace, and what separates media type parameters.
    @inlinable
    public static func isSpaceOrTab(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}

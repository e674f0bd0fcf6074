/// The URL standard's "domain to ASCII" for a host that is not plain ASCII (or has an
/// `xn--` label): UTS #46 processing, nontransitional, without CheckHyphens and STD3 rules,
/// then Punycode for the labels that are not ASCII.
///
/// **Partial UTS #46.** The full mapping table (about 9,000 ranges) and NFC normalization are
/// not here: Sources/ScrapeHTML has no Foundation or ICU and the Swift standard library
/// exposes neither. What is here covers what real links carry: case folding through the
/// standard library's Unicode lowercase mapping, the full-width ASCII forms and the three
/// ideographic full stops, default-ignorable code points removed (soft hyphen, zero-width
/// space, variation selectors, BOM), and the disallowed classes rejected (unassigned,
/// controls, private use, surrogates, separators). Not done: compatibility mappings beyond
/// full-width (`ℌ` → `h`, `①` → `1`), NFC of decomposed input, CheckBidi and CheckJoiners.
enum DomainToASCII {
    /// Appends the ASCII form of `domain` to `output`; false when UTS #46 (as far as it is
    /// implemented) or the standard's forbidden domain code points reject it.
    static func convert(_ domain: some Sequence<Unicode.Scalar>, to output: inout [UInt8]) -> Bool {
        var mapped: [Unicode.Scalar] = []
        for scalar in domain {
            guard map(scalar, into: &mapped) else { return false }
        }
        let start = output.count
        var labelStart = 0
        while labelStart <= mapped.count {
            var labelEnd = labelStart
            while labelEnd < mapped.count, mapped[labelEnd] != "." { labelEnd += 1 }
            guard appendLabel(mapped[labelStart..<labelEnd], to: &output) else { return false }
            if labelEnd < mapped.count { output.append(UInt8(ascii: ".")) }
            labelStart = labelEnd + 1
        }
        if output.count == start { return false }
        for byte in output[start...] where URLHostParser.isForbiddenDomainByte(byte) { return false }
        return true
    }

    /// One label, checked and, when not ASCII, Punycode-encoded.
    private static func appendLabel(_ label: ArraySlice<Unicode.Scalar>, to output: inout [UInt8]) -> Bool {
        let isASCII = label.allSatisfy { $0.isASCII }
        if isASCII {
            let bytes = label.map { UInt8($0.value) }
            if bytes.count >= 4, bytes[0] == UInt8(ascii: "x"), bytes[1] == UInt8(ascii: "n"),
               bytes[2] == UInt8(ascii: "-"), bytes[3] == UInt8(ascii: "-") {
                guard let decoded = Punycode.decode(bytes[4...]), isValid(decoded[...]) else { return false }
            }
            output.append(contentsOf: bytes)
            return true
        }
        guard isValid(label) else { return false }
        output.append(contentsOf: Array("xn--".utf8))
        return Punycode.encode(Array(label), to: &output)
    }

    /// UTS #46 validity as far as the standard library can tell: the label does not begin
    /// with a combining mark, and every code point maps to itself (so a decoded `xn--` label
    /// holding an uppercase or disallowed code point fails).
    private static func isValid(_ label: ArraySlice<Unicode.Scalar>) -> Bool {
        if let first = label.first, isMark(first) { return false }
        var scratch: [Unicode.Scalar] = []
        for scalar in label {
            if scalar == "." { return false }
            scratch.removeAll(keepingCapacity: true)
            guard map(scalar, into: &scratch), scratch.count == 1, scratch[0] == scalar else { return false }
        }
        return true
    }

    /// The UTS #46 mapping step for one code point; false when it is disallowed.
    private static func map(_ scalar: Unicode.Scalar, into mapped: inout [Unicode.Scalar]) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            mapped.append(Unicode.Scalar(UInt8(value) | (value >= 0x41 && value <= 0x5A ? 0x20 : 0)))
            return true
        }
        switch value {
        case 0x3002, 0xFF0E, 0xFF61:
            mapped.append(".")
            return true
        case 0xFF01...0xFF5E:
            return map(Unicode.Scalar(value - 0xFEE0)!, into: &mapped)
        case 0xFFFD:
            return false    // what an invalid percent-decoded UTF-8 sequence became
        case 0x200C, 0x200D:
            mapped.append(scalar)   // deviations, kept by nontransitional processing
            return true
        default:
            break
        }
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint, properties.generalCategory != .unassigned { return true }
        switch properties.generalCategory {
        case .unassigned, .control, .privateUse, .surrogate, .format,
             .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            break
        }
        if properties.changesWhenLowercased {
            mapped.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
        } else {
            mapped.append(scalar)
        }
        return true
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }
}

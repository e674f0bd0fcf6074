/// The URL standard's "domain to ASCII" for a host that is not ASCII: UTS #46 processing
/// (nontransitional, CheckHyphens off, STD3 rules off, CheckBidi and CheckJoiners on), then
/// Punycode for the labels that are not ASCII.
///
/// **Partial UTS #46.** The full mapping table (about 9,000 ranges), NFC and the Bidi and
/// Joining_Type properties are not here: Sources/ScrapeHTML has no Foundation or ICU and the
/// Swift standard library exposes none of them. What is here, and what it leaves out, is
/// listed on `IDNAMapping`, `CanonicalComposition` and `IDNALabelRules`.
enum DomainToASCII {
    /// Labels longer than this fail. Punycode is quadratic in a label's length, and a page
    /// can carry a link whose host is megabytes long; a DNS label is at most 63 octets, so
    /// no host that resolves comes near this (the standard itself sets no limit).
    static let maximumLabelLength = 1024

    /// Appends the ASCII form of `domain` to `output`; false when UTS #46 (as far as it is
    /// implemented) or the standard's forbidden domain code points reject it.
    static func convert(_ domain: some Sequence<Unicode.Scalar>, to output: inout [UInt8]) -> Bool {
        var mapped: [Unicode.Scalar] = []
        for scalar in domain {
            guard IDNAMapping.map(scalar, into: &mapped) else { return false }
        }
        CanonicalComposition.compose(&mapped)
        var labels: [ArraySlice<Unicode.Scalar>] = []
        var labelStart = 0
        while labelStart <= mapped.count {
            var labelEnd = labelStart
            while labelEnd < mapped.count, mapped[labelEnd] != "." { labelEnd += 1 }
            labels.append(mapped[labelStart..<labelEnd])
            labelStart = labelEnd + 1
        }
        // Decode the `xn--` labels first: the Bidi rule looks at the whole domain's labels.
        var decodedLabels: [[Unicode.Scalar]?] = []
        for label in labels {
            if label.count > maximumLabelLength { return false }
            if label.starts(with: "xn--".unicodeScalars) {
                guard label.allSatisfy({ $0.isASCII }),
                      let decoded = Punycode.decode(ArraySlice(label.dropFirst(4).map { UInt8($0.value) })),
                      IDNALabelRules.isValid(decoded[...], fromPunycode: true) else { return false }
                decodedLabels.append(decoded)
            } else {
                guard IDNALabelRules.isValid(label, fromPunycode: false) else { return false }
                decodedLabels.append(nil)
            }
        }
        let unicodeLabels = zip(labels, decodedLabels).map { $1.map { $0[...] } ?? $0 }
        guard IDNALabelRules.satisfiesBidiRule(unicodeLabels) else { return false }
        let start = output.count
        for (index, label) in labels.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ".")) }
            if label.allSatisfy({ $0.isASCII }) {
                output.append(contentsOf: label.map { UInt8($0.value) })
            } else {
                output.append(contentsOf: Array("xn--".utf8))
                guard Punycode.encode(Array(label), to: &output) else { return false }
            }
        }
        if output.count == start { return false }
        for byte in output[start...] where URLHostParser.isForbiddenDomainByte(byte) { return false }
        return true
    }
}

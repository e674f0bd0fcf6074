/// Canonical composition (the second half of NFC) for the scripts whose precomposed letters
/// links carry: Latin, Greek, Cyrillic, the negated mathematical relations (`=` + U+0338 is
/// `≠`; without composing, `<` + U+0338 would leave a forbidden `<` in the host), kana with
/// voicing marks, and Hangul syllables (algorithmic).
///
/// The standard library has no normalization API, but its `String` equality and hashing are
/// canonical equivalence, so a dictionary keyed by `String` finds the precomposed letter
/// whose decomposition is "letter + mark". Not covered: scripts outside those ranges, full
/// decomposition first (a decomposed letter whose pieces are out of canonical order, a
/// singleton like U+0341), and composition exclusions (none are in the ranges used).
enum CanonicalComposition {
    /// Composes `scalars` in place: each starter with the marks that follow it, unless an
    /// earlier mark of the same or higher combining class blocks them.
    static func compose(_ scalars: inout [Unicode.Scalar]) {
        guard scalars.contains(where: { $0.properties.canonicalCombiningClass.rawValue != 0 || isHangulJamo($0) }) else { return }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        var starterIndex: Int?
        var lastClass: UInt8 = 0
        for scalar in scalars {
            let combiningClass = scalar.properties.canonicalCombiningClass.rawValue
            if let starter = starterIndex, lastClass < combiningClass || (lastClass == 0 && result.count - 1 == starter),
               let composed = primaryComposite(result[starter], scalar) {
                result[starter] = composed
                continue
            }
            if combiningClass == 0 {
                starterIndex = result.count
                lastClass = 0
            } else {
                lastClass = combiningClass
            }
            result.append(scalar)
        }
        scalars = result
    }

    private static func primaryComposite(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Unicode.Scalar? {
        let (a, b) = (first.value, second.value)
        if (0x1100...0x1112).contains(a), (0x1161...0x1175).contains(b) {
            return Unicode.Scalar(0xAC00 + ((a - 0x1100) * 21 + (b - 0x1161)) * 28)
        }
        if (0xAC00...0xD7A3).contains(a), (a - 0xAC00) % 28 == 0, (0x11A8...0x11C2).contains(b) {
            return Unicode.Scalar(a + b - 0x11A7)
        }
        return composites[String(first) + String(second)]
    }

    private static func isHangulJamo(_ scalar: Unicode.Scalar) -> Bool {
        (0x1161...0x1175).contains(scalar.value) || (0x11A8...0x11C2).contains(scalar.value)
    }

    /// Precomposed letters keyed by themselves; a "letter + mark" key equal under canonical
    /// equivalence finds them. Built once, on the first host that needs it. The first of
    /// canonically equal code points wins (U+00C5 before the Angstrom sign U+212B).
    private static let composites: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [:]
        let ranges: [ClosedRange<UInt32>] = [0x00C0...0x024F, 0x0386...0x03FF, 0x0400...0x04FF, 0x1E00...0x1FFF,
                                             0x2200...0x22FF, 0x3040...0x30FF]
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .unassigned else { continue }
                let key = String(scalar)
                if table[key] == nil { table[key] = scalar }
            }
        }
        return table
    }()
}

/// UTS #46's validity criteria for one label and the Bidi rule (RFC 5893) for the domain,
/// with the Bidi_Class and Joining_Type properties approximated from script ranges and
/// general categories (the standard library exposes neither).
///
/// Approximations: Bidi classes are right for Hebrew, Arabic, Syriac, Thaana, N'Ko and the
/// other right-to-left blocks, for digits and ASCII punctuation, and general-category based
/// elsewhere; CONTEXTJ for ZWNJ accepts a ZWNJ after a virama or between two letters of a
/// joining script (the standard wants left-joining before and right-joining after, which
/// needs the Joining_Type table), so it errs towards accepting.
enum IDNALabelRules {
    /// The validity criteria: no `.`, no leading combining mark, no `xn--` inside a decoded
    /// label, every code point valid (decoded labels), composed (as far as
    /// `CanonicalComposition` goes), and CONTEXTJ for ZWJ and ZWNJ.
    static func isValid(_ label: ArraySlice<Unicode.Scalar>, fromPunycode: Bool) -> Bool {
        if let first = label.first, isMark(first) { return false }
        if fromPunycode {
            if label.starts(with: "xn--".unicodeScalars) { return false }
            for scalar in label where scalar == "." || !IDNAMapping.isValid(scalar) { return false }
            var composed = Array(label)
            CanonicalComposition.compose(&composed)
            if !composed.elementsEqual(label) { return false }
        }
        for index in label.indices where label[index] == "\u{200C}" || label[index] == "\u{200D}" {
            guard satisfiesContextJ(label, at: index) else { return false }
        }
        return true
    }

    /// RFC 5893 over all labels, when the domain has a right-to-left or Arabic-number code
    /// point; true otherwise.
    static func satisfiesBidiRule(_ labels: [ArraySlice<Unicode.Scalar>]) -> Bool {
        let isBidiDomain = labels.contains { $0.contains { [.r, .al, .an].contains(bidiClass($0)) } }
        guard isBidiDomain else { return true }
        for label in labels where !label.isEmpty {
            let classes = label.map(bidiClass)
            let first = classes[0]
            let last = classes.last { $0 != .nsm } ?? first
            switch first {
            case .r, .al:
                let allowed: Set<BidiClass> = [.r, .al, .an, .en, .es, .cs, .et, .on, .bn, .nsm]
                guard classes.allSatisfy(allowed.contains), [.r, .al, .en, .an].contains(last),
                      !(classes.contains(.en) && classes.contains(.an)) else { return false }
            case .l:
                let allowed: Set<BidiClass> = [.l, .en, .es, .cs, .et, .on, .bn, .nsm]
                guard classes.allSatisfy(allowed.contains), last == .l || last == .en else { return false }
            default:
                return false
            }
        }
        return true
    }

    private static func satisfiesContextJ(_ label: ArraySlice<Unicode.Scalar>, at index: Int) -> Bool {
        if index > label.startIndex, label[index - 1].properties.canonicalCombiningClass.rawValue == 9 { return true }
        guard label[index] == "\u{200C}" else { return false }
        var before = index - 1
        while before >= label.startIndex, isTransparent(label[before]) { before -= 1 }
        var after = index + 1
        while after < label.endIndex, isTransparent(label[after]) { after += 1 }
        return before >= label.startIndex && after < label.endIndex && isJoining(label[before]) && isJoining(label[after])
            && !isRightJoiningOnly(label[before])
    }

    /// The Arabic and Syriac letters that join only to the letter before them (Joining_Type
    /// R): a ZWNJ after one of them has nothing to break.
    private static func isRightJoiningOnly(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0622...0x0625, 0x0627, 0x0629, 0x062F...0x0632, 0x0648, 0x0671...0x0673, 0x0675...0x0677, 0x0688...0x0699,
             0x06C0, 0x06C3...0x06CB, 0x06CD, 0x06CF, 0x06D2, 0x06D3, 0x06D5, 0x06EE, 0x06EF, 0x0710, 0x0715...0x0719,
             0x071E, 0x0728, 0x072A, 0x072C, 0x072F, 0x074D, 0x0759...0x075B, 0x076B, 0x076C, 0x0771, 0x0773, 0x0774,
             0x0778, 0x0779:
            true
        default:
            false
        }
    }

    private static func isTransparent(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark
    }

    /// A letter of Arabic, Syriac, N'Ko, Mongolian or Phags-pa, the scripts whose letters join.
    private static func isJoining(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        let inScript = (0x0620...0x06FF).contains(value) || (0x0710...0x077F).contains(value) || (0x07CA...0x07EA).contains(value)
            || (0x0860...0x08FF).contains(value) || (0x1820...0x1878).contains(value) || (0xA840...0xA871).contains(value)
        return inScript && isLetter(scalar)
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    enum BidiClass { case l, r, al, en, es, et, an, cs, nsm, bn, on }

    /// Bidi_Class, approximately (see the type's comment).
    static func bidiClass(_ scalar: Unicode.Scalar) -> BidiClass {
        let value = scalar.value
        if value < 0x80 {
            switch value {
            case 0x30...0x39: return .en
            case 0x2B, 0x2D: return .es
            case 0x23...0x25: return .et
            case 0x2C, 0x2E, 0x2F, 0x3A: return .cs
            default: return ASCII.isLetter(UInt8(value)) ? .l : .on
            }
        }
        let category = scalar.properties.generalCategory
        if category == .nonspacingMark || category == .enclosingMark { return .nsm }
        if category == .format { return .bn }
        switch value {
        case 0x00B2, 0x00B3, 0x00B9, 0x06F0...0x06F9, 0x2070...0x2079, 0x2080...0x2089: return .en
        case 0x0600...0x0605, 0x0660...0x0669, 0x066B, 0x066C, 0x06DD, 0x0890, 0x0891, 0x08E2, 0x10D30...0x10D39, 0x10E60...0x10E7E:
            return .an
        case 0x0590...0x05FF, 0x07C0...0x085F, 0xFB1D...0xFB4F, 0x10800...0x10FFF, 0x1E800...0x1EDFF, 0x1EF00...0x1EFFF: return .r
        case 0x0600...0x07BF, 0x0860...0x08FF, 0xFB50...0xFDCF, 0xFDF0...0xFDFF, 0xFE70...0xFEFE, 0x1EE00...0x1EEFF: return .al
        default: break
        }
        switch category {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .spacingMark,
             .decimalNumber, .letterNumber:
            return .l
        case .currencySymbol: return .et
        default: return .on
        }
    }
}

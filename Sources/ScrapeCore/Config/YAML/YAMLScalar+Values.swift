/// A scalar's typed values, asked for by the JSON body reader once the tag has decided the
/// type (`JSONDocument(yaml:path:)`). These are the rules the reader has always applied
/// (Yams' constructors): only plain scalars are numbers, so `!!int "0x1F"` has no `int`
/// here (the JSON reader then reads its digits itself), and `_` is ignored in numbers.
extension YAMLScalar {
    /// `true`, `yes`, `on` or `false`, `no`, `off` in any case; nil for any other text or
    /// a `!!str` scalar.
    var bool: Bool? {
        guard tag != .str else { return nil }
        switch string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// A 64-bit integer: decimal, `0x` hex, `0b` binary, `0o` or leading-`0` octal, with a
    /// sign and `_` anywhere, or sexagesimal (`1:30` is 90). Nil when it does not fit (an
    /// overflowing sexagesimal value too: its digits could not be read another way).
    var int: Int? {
        guard style == .plain else { return nil }
        let text = string.removingUnderscores
        if text == "0" { return 0 }
        let negative = text.hasPrefix("-")
        let body = negative || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        for (prefix, radix) in [("0x", 16), ("0b", 2), ("0o", 8), ("0", 8)] where body.hasPrefix(prefix) {
            return Int((negative ? "-" : "") + body.dropFirst(prefix.count), radix: radix)
        }
        if body.contains(":") {
            return Self.sexagesimal(text, parts: { Int($0, radix: 10) }, add: Self.addingWithoutOverflow, multiply: Self.multiplyingWithoutOverflow)
        }
        return Int(text)
    }

    /// A `Double`: `.inf`, `-.inf` and `.nan` in any case, sexagesimal (`1:30.5` is 90.5), or
    /// what Swift reads as a `Double` once `_` is removed.
    var float: Double? {
        guard style == .plain else { return nil }
        switch string.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default:
            let text = string.removingUnderscores
            if text.contains(":") {
                return Self.sexagesimal(text, parts: { Double($0) }, add: { $0 + $1 }, multiply: { $0 * $1 })
            }
            return Double(text)
        }
    }

    /// Base 60: the parts after an optional sign, each read by `parts`, last part units.
    private static func sexagesimal<Number: SignedNumeric>(
        _ text: String, parts read: (Substring) -> Number?,
        add: (Number, Number) -> Number?, multiply: (Number, Number) -> Number?
    ) -> Number? {
        let negative = text.hasPrefix("-")
        let body = negative || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        var value: Number = 0
        var base: Number = 1
        for (index, part) in body.split(separator: ":", omittingEmptySubsequences: false).reversed().enumerated() {
            if index > 0 {
                guard let nextBase = multiply(base, 60) else { return nil }
                base = nextBase
            }
            guard let digit = read(part), let scaled = multiply(digit, base), let sum = add(value, scaled) else { return nil }
            value = sum
        }
        return negative ? multiply(value, -1) : value
    }

    private static func addingWithoutOverflow(_ lhs: Int, _ rhs: Int) -> Int? {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? nil : sum
    }

    private static func multiplyingWithoutOverflow(_ lhs: Int, _ rhs: Int) -> Int? {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        return overflow ? nil : product
    }
}

extension String {
    /// Without `_` (YAML 1.1's digit separator).
    fileprivate var removingUnderscores: String {
        String(String.UnicodeScalarView(unicodeScalars.filter { $0 != "_" }))
    }
}

extension JSONDocument {
    /// A number computed at run time (an XPath `count()`, `number()`), as JSON spells it:
    /// an integral value within ±2^53 without a fraction (`42`, not `42.0`), any other
    /// finite value in Swift's shortest round-trip form (`0.1`, `1e+300`), and NaN or an
    /// infinity, which JSON cannot hold, as `null`.
    package static func number(_ value: Double) -> JSONDocument {
        guard value.isFinite else { return .null }
        if value == value.rounded(.towardZero), value.magnitude <= 9_007_199_254_740_992 {
            return .number(String(Int64(value)))
        }
        return .number(value.description)
    }
}

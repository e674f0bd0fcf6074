/// An `An+B` pattern (CSS Syntax Level 3, section 6): matches the 1-based positions
/// `A×n + B` for some n ≥ 0.
struct NthPattern: Sendable, Equatable {
    var a: Int
    var b: Int

    static let odd = NthPattern(a: 2, b: 1)
    static let even = NthPattern(a: 2, b: 0)
    static let first = NthPattern(a: 0, b: 1)

    /// Whether `position` (1-based) is `A×n + B` for an integer n ≥ 0.
    func matches(_ position: Int) -> Bool {
        let offset = position - b
        if a == 0 { return offset == 0 }
        guard offset.signum() == 0 || offset.signum() == a.signum() else { return false }
        return offset % a == 0
    }
}

/// Why a CSS selector was refused, and where: `offset` counts Unicode scalars (characters,
/// for the selectors people write) from the start of the selector text, so the CLI can say
/// `--field price='.price::atr(x)': unknown pseudo-element '::atr' at 6`.
public struct SelectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The closed set of faults, for tests and for callers that react to one of them.
    public enum Kind: String, Sendable {
        /// A token that no rule of the grammar accepts where it stands.
        case unexpected
        /// A pseudo-class or pseudo-element that Selectors Level 4 does not define.
        case unknownPseudo = "unknown_pseudo"
        /// A real pseudo-class that depends on state a static document has not (`:hover`).
        case unsupported
        /// A malformed attribute selector, An+B pattern, string or pseudo-element argument.
        case invalid
    }

    public let kind: Kind
    /// Where the fault is, in Unicode scalars from the start of the selector.
    public let offset: Int
    /// What is wrong, for a person, with the offset (`"unknown pseudo-element '::atr' at 6"`).
    public let message: String

    /// `what` names the fault and `detail`, when given, says why after the offset:
    /// `"unsupported pseudo-class ':hover' at 5: it depends on …"`.
    init(_ kind: Kind, _ what: String, at offset: Int, detail: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.message = "\(what) at \(offset)" + (detail.map { ": " + $0 } ?? "")
    }

    public var description: String { message }
}

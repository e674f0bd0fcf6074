/// The compiled form of a selector list: what the parser produces and the matcher walks.
/// Immutable values, shared across threads. Complex selectors are stored right to left
/// (the subject compound first), the order the matcher works in.

/// How two compound selectors are related.
enum Combinator: Sendable {
    /// whitespace: an ancestor
    case descendant
    /// `>`: the parent
    case child
    /// `+`: the previous element sibling
    case nextSibling
    /// `~`: any previous element sibling
    case subsequentSibling

    /// Whether the compound on the combinator's left is an ancestor of the subject.
    var goesUp: Bool { self == .descendant || self == .child }
}

/// `a > b c`, stored right to left: `compounds[0]` is the subject, `combinators[i]` joins
/// `compounds[i]` to `compounds[i + 1]` on its left.
struct ComplexSelector: Sendable {
    var compounds: [CompoundSelector]
    var combinators: [Combinator]
}

/// A list of complex selectors: matches when one of them does.
struct SelectorList: Sendable {
    var selectors: [ComplexSelector]
}

/// A type selector: the name lowercased (compared with HTML elements, whose names are
/// stored lowercase) and as written (compared with SVG and MathML elements, whose names
/// keep their case, `foreignObject`), as indexes into the selector's name table.
struct TypeSelector: Sendable {
    var lowercased: Int
    var asWritten: Int
}

/// Type and conditions that one element must all meet.
struct CompoundSelector: Sendable {
    /// nil: the universal selector (or none written).
    var type: TypeSelector?
    var conditions: [SimpleSelector]
}

/// The conditions of a compound selector besides its type.
enum SimpleSelector: Sendable {
    /// `#id`: the value's bytes.
    case id([UInt8])
    /// `.class`: the value's bytes.
    case className([UInt8])
    case attribute(AttributeSelector)
    case not(SelectorList)
    /// `:is()` and `:where()` (they differ only in specificity, which querying ignores).
    case `is`(SelectorList)
    case has(HasSelector)
    case nth(NthSelector)
    case empty
    case root
    /// The anchor of a relative selector (the `:has()` element), its leftmost compound.
    case scope
}

/// `:has(rel, rel…)`.
struct HasSelector: Sendable {
    /// Each relative selector with the scope compound (`.scope`) as its leftmost compound.
    var relative: [ComplexSelector]
}

/// `[name]`, `[name=value]` and the other matchers.
struct AttributeSelector: Sendable {
    enum Matcher: Sendable {
        case exists
        /// `=`
        case equals
        /// `~=`: one of the whitespace-separated words
        case includes
        /// `|=`: the value or the value followed by `-`
        case dashMatch
        /// `^=`
        case prefix
        /// `$=`
        case suffix
        /// `*=`
        case substring
    }

    /// What decides the case-sensitivity of the value.
    enum CaseRule: Sendable {
        /// No flag: sensitive, except for the HTML standard's listed attributes on HTML elements.
        case standard
        /// `i`
        case insensitive
        /// `s`
        case sensitive
    }

    /// The attribute's name lowercased (compared with HTML elements' attributes) and as
    /// written (compared with SVG and MathML elements' attributes, `viewBox`), as indexes
    /// into the selector's name table.
    var name: Int
    var nameAsWritten: Int
    var matcher: Matcher
    var value: [UInt8]
    var caseRule: CaseRule
    /// Whether the name is one whose value the HTML standard compares case-insensitively
    /// on HTML elements (section 4.16.2, "case-sensitivity of selectors").
    var isLegacyCaseInsensitive: Bool
}

/// `:nth-child(An+B of S)` and its siblings; `:first-child` and the like are the `1` cases.
struct NthSelector: Sendable {
    var pattern: NthPattern
    /// Counting from the last sibling (`nth-last-*`, `last-*`).
    var fromEnd: Bool
    /// Counting only siblings of the element's type (`*-of-type`).
    var ofType: Bool
    /// `of S`: counting only siblings that match S.
    var filter: SelectorList?
    /// `:only-child`/`:only-of-type`: first and last at once (pattern unused).
    var only: Bool
}

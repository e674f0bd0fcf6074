/// A selector list compiled for matching: flat arrays of plain values (no references, so
/// matching does no reference counting), allocated once per ``CSSSelector`` and never
/// changed, hence shareable across threads (`@unchecked Sendable`: the buffers are
/// written only in `init`).
///
/// Layout: a list is a run of complex selectors; a complex selector is a run of compound
/// selectors, subject first (right to left), each holding the combinator to its left; a
/// compound is a type and a run of conditions; nested lists (`:is()`, `:not()`, `:has()`,
/// `of S`) are referenced by index. Ids, classes and attribute values live in `bytes`.
final class SelectorProgram: @unchecked Sendable {
    struct List {
        var start: Int
        var count: Int
    }

    struct Complex {
        var start: Int
        var count: Int
    }

    struct Compound {
        /// Name table indexes of the type (lowercased, as written); -1: any element.
        var lowered: Int
        var written: Int
        /// How the compound on this one's left relates to it (nil: the leftmost).
        var combinator: Combinator?
        var conditionStart: Int
        var conditionCount: Int
    }

    struct Condition {
        enum Kind: UInt8 {
            /// `a`, `b`: the id's bytes.
            case id
            /// `a`, `b`: the class's bytes.
            case className
            /// `a`, `b`: the value's bytes; `c`, `d`: the name (lowercased, as written);
            /// `matcher`, `caseRule`, `legacy`.
            case attribute
            /// `a`: the list.
            case not
            case `is`
            /// `a`: the list of relative selectors (each ends in a `.scope` compound).
            case has
            /// `a`, `b`: A and B; `c`: the `of S` list or -1; `fromEnd`, `ofType`, `only`.
            case nth
            case empty
            case root
            case scope
        }

        var kind: Kind
        var a = 0
        var b = 0
        var c = 0
        var d = 0
        var matcher = AttributeSelector.Matcher.exists
        var caseRule = AttributeSelector.CaseRule.standard
        var legacy = false
        var fromEnd = false
        var ofType = false
        var only = false
    }

    let lists: UnsafeMutableBufferPointer<List>
    let complexes: UnsafeMutableBufferPointer<Complex>
    let compounds: UnsafeMutableBufferPointer<Compound>
    let conditions: UnsafeMutableBufferPointer<Condition>
    let bytes: UnsafeMutableBufferPointer<UInt8>
    /// The selector's own list (the others are nested in it).
    let top: Int

    init(compiling list: SelectorList) {
        var builder = Builder()
        top = builder.add(list)
        lists = Self.copy(builder.lists)
        complexes = Self.copy(builder.complexes)
        compounds = Self.copy(builder.compounds)
        conditions = Self.copy(builder.conditions)
        bytes = Self.copy(builder.bytes)
    }

    deinit {
        lists.deallocate()
        complexes.deallocate()
        compounds.deallocate()
        conditions.deallocate()
        bytes.deallocate()
    }

    private static func copy<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        return buffer
    }

    /// Lays the syntax tree out: each run is reserved before anything nested in it is
    /// added, so runs stay contiguous.
    private struct Builder {
        var lists: [List] = []
        var complexes: [Complex] = []
        var compounds: [Compound] = []
        var conditions: [Condition] = []
        var bytes: [UInt8] = []

        mutating func add(_ list: SelectorList) -> Int {
            let index = lists.count
            lists.append(List(start: complexes.count, count: list.selectors.count))
            let first = complexes.count
            complexes.append(contentsOf: repeatElement(Complex(start: 0, count: 0), count: list.selectors.count))
            for (offset, complex) in list.selectors.enumerated() {
                complexes[first + offset] = add(complex)
            }
            return index
        }

        private mutating func add(_ complex: ComplexSelector) -> Complex {
            let first = compounds.count
            let placeholder = Compound(lowered: -1, written: -1, combinator: nil, conditionStart: 0, conditionCount: 0)
            compounds.append(contentsOf: repeatElement(placeholder, count: complex.compounds.count))
            for (offset, compound) in complex.compounds.enumerated() {
                let combinator = offset < complex.combinators.count ? complex.combinators[offset] : nil
                compounds[first + offset] = add(compound, combinator: combinator)
            }
            return Complex(start: first, count: complex.compounds.count)
        }

        private mutating func add(_ compound: CompoundSelector, combinator: Combinator?) -> Compound {
            let first = conditions.count
            conditions.append(contentsOf: repeatElement(Condition(kind: .empty), count: compound.conditions.count))
            for (offset, condition) in compound.conditions.enumerated() {
                conditions[first + offset] = add(condition)
            }
            return Compound(lowered: compound.type?.lowercased ?? -1, written: compound.type?.asWritten ?? -1, combinator: combinator,
                            conditionStart: first, conditionCount: compound.conditions.count)
        }

        private mutating func add(_ condition: SimpleSelector) -> Condition {
            switch condition {
            case .id(let id):
                let (start, count) = add(id)
                return Condition(kind: .id, a: start, b: count)
            case .className(let name):
                let (start, count) = add(name)
                return Condition(kind: .className, a: start, b: count)
            case .attribute(let selector):
                let (start, count) = add(selector.value)
                return Condition(kind: .attribute, a: start, b: count, c: selector.name, d: selector.nameAsWritten,
                                 matcher: selector.matcher, caseRule: selector.caseRule, legacy: selector.isLegacyCaseInsensitive)
            case .not(let list):
                return Condition(kind: .not, a: add(list))
            case .is(let list):
                return Condition(kind: .is, a: add(list))
            case .has(let has):
                return Condition(kind: .has, a: add(SelectorList(selectors: has.relative)))
            case .nth(let nth):
                return Condition(kind: .nth, a: nth.pattern.a, b: nth.pattern.b, c: nth.filter.map { add($0) } ?? -1,
                                 fromEnd: nth.fromEnd, ofType: nth.ofType, only: nth.only)
            case .empty:
                return Condition(kind: .empty)
            case .root:
                return Condition(kind: .root)
            case .scope:
                return Condition(kind: .scope)
            }
        }

        private mutating func add(_ value: [UInt8]) -> (Int, Int) {
            let start = bytes.count
            bytes.append(contentsOf: value)
            return (start, value.count)
        }
    }
}

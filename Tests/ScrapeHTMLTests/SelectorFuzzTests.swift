import Testing
@testable import ScrapeHTML

/// Random selectors from CSS's characters and keywords: every one is parsed (accepted
/// or refused with an offset inside the text) and, when accepted, matched against a page,
/// without a crash. Nesting is bounded, so deep argument chains are refused, not recursed.
struct SelectorFuzzTests {
    /// A fixed-seed generator (xorshift), so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    static let pieces = [
        "a", "p", "div", "*", "svg", "foreignObject", "#", "#a", ".", ".x", "[", "]", "(", ")", "=", "~=", "|=", "^=", "$=", "*=", "|",
        " ", ">", "+", "~", ",", ":", "::", "not(", "is(", "where(", "has(", "nth-child(", "nth-last-of-type(", "first-child", "empty",
        "root", "text", "attr(", "url(", "html", "odd", "2n+1", "-n", " of ", "'s'", "\"q", "\\", "\\31 ", "i", "s", "-", "0", "é",
        "\n", "/*", "*/", "@", "{", "}", ";", "\u{0}", "hover", "lang(",
    ]

    @Test func randomSelectorsNeverCrash() {
        var random = Generator(state: 0x9E37_79B9_7F4A_7C15)
        let document = SelectorTestTree.document(SelectorMatchTests.page)
        var accepted = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...12, using: &random)
            let text = (0..<count).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            do {
                let selector = try CSSSelector(text)
                accepted += 1
                _ = selector.select(in: document)
                _ = selector.first(in: document)
            } catch {
                #expect(error.offset >= 0 && error.offset <= text.unicodeScalars.count, "\(text.debugDescription): \(error)")
            }
        }
        #expect(accepted > 1_000)
    }

    @Test func deepNestingIsRefusedNotRecursed() throws {
        let deep = String(repeating: ":not(", count: 100_000) + "a" + String(repeating: ")", count: 100_000)
        #expect(throws: SelectorError.self) { try CSSSelector(deep) }
        let allowed = String(repeating: ":is(", count: 32) + "p" + String(repeating: ")", count: 32)
        let document = SelectorTestTree.document(SelectorMatchTests.page)
        #expect(try CSSSelector(allowed).select(in: document).count == 2)
        let long = Array(repeating: "div > p", count: 10_000).joined(separator: ", ")
        #expect(try CSSSelector(long).select(in: document).count == 2)
    }
}

import Foundation
@testable import ScrapeHTML
import Testing

/// Deep and misnested input must stay linear (issue 26: "100,000 nested `<b>` or `<table>`
/// stay linear"): each shape is parsed at 25,000, 50,000 and 100,000 repetitions and its tree
/// checked against what the HTML standard builds (the shapes were checked against html5lib).
/// The standard wins over Chromium's 512-deep limit, so 100,000 nested `<b>` are 100,000 deep.
///
/// No timing assertions (2 loaded cores make them flaky); each size's parse time is printed
/// (the thread's CPU time, and the wall clock), with the ratio of the largest to the smallest: ~4 is linear, ~16 quadratic. A quadratic
/// step (a scope check that walks the whole stack of open elements for every `<div>`, say)
/// shows there, or as a test that takes minutes.
///
/// Every walk here is iterative: a recursive one would overflow the stack on these trees.
@Suite(.serialized)
struct DeepNestingTests {
    static let sizes = [25_000, 50_000, 100_000]

    enum Shape: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// `<b>` n times, then `x`: n nested `b`.
        case nestedBold
        /// `<table>` n times: each closes the one before, so n sibling empty tables.
        case nestedTable
        /// `<table><tr><td>` n times, then `x`: n nested tables (table > tbody > tr > td).
        case nestedTableCell
        /// `<div>` n times, then `x`: n nested `div` (each start tag checks for an open `p`
        /// in button scope: the classic quadratic when that check walks the whole stack).
        case nestedDiv
        /// `<a>` n times, then `x`: each `<a>` runs the adoption agency on the one before, so
        /// n sibling `a`, the last holding `x`.
        case nestedAnchor
        /// `<p><b>x` n times: each `p` closes the one before and reconstructs the open `b`s
        /// inside the new one; Noah's ark keeps at most 3 in the list, so the k-th `p` holds
        /// min(k, 4) nested `b` (1, 2, 3, then 4 from the fourth on).
        case paragraphBold

        var testDescription: String { rawValue }

        func input(_ n: Int) -> [UInt8] {
            let (unit, tail): (String, String) = switch self {
            case .nestedBold: ("<b>", "x")
            case .nestedTable: ("<table>", "")
            case .nestedTableCell: ("<table><tr><td>", "x")
            case .nestedDiv: ("<div>", "x")
            case .nestedAnchor: ("<a>", "x")
            case .paragraphBold: ("<p><b>x", "")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(n * unit.utf8.count + tail.utf8.count)
            for _ in 0..<n { bytes.append(contentsOf: unit.utf8) }
            bytes.append(contentsOf: tail.utf8)
            return bytes
        }
    }

    @Test(arguments: Shape.allCases)
    func staysLinearWithTheStandardsShape(_ shape: Shape) throws {
        var times: [Double] = []
        for n in Self.sizes {
            let input = shape.input(n)
            let start = ContinuousClock.now
            let cpuStart = Self.threadCPUMilliseconds()
            let document = input.withUnsafeBufferPointer { HTMLParser.parse(utf8: $0) }
            let cpu = Self.threadCPUMilliseconds() - cpuStart
            let elapsed = ContinuousClock.now - start
            let wall = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            times.append(cpu)
            print("DeepNesting \(shape.rawValue) n=\(n): \(String(format: "%.1f", cpu)) ms CPU, \(String(format: "%.1f", wall)) ms wall, \(input.count) bytes")
            let body = try #require(Self.body(of: document), "\(shape) n=\(n): no body")
            try Self.check(shape, n: n, body: body)
            #expect(Self.nodeCount(document) >= n, "\(shape) n=\(n): the walk saw fewer nodes than repetitions")
        }
        let ratio = times[times.count - 1] / max(times[0], 0.001)
        print("DeepNesting \(shape.rawValue): \(Self.sizes.last!) / \(Self.sizes.first!) CPU time ratio \(String(format: "%.1f", ratio)) (linear ~4, quadratic ~16)")
    }

    // MARK: Shapes

    static func check(_ shape: Shape, n: Int, body: DOMNode) throws {
        switch shape {
        case .nestedBold:
            let (depth, innermost) = chain(from: body) { $0.isHTML("b") }
            #expect(depth == n, "nested b: depth \(depth), expected \(n)")
            #expect(onlyText(of: innermost) == "x")
        case .nestedDiv:
            let (depth, innermost) = chain(from: body) { $0.isHTML("div") }
            #expect(depth == n, "nested div: depth \(depth), expected \(n)")
            #expect(onlyText(of: innermost) == "x")
        case .nestedTable:
            let children = Array(body.children)
            #expect(children.count == n, "tables: \(children.count) children of body, expected \(n)")
            #expect(children.allSatisfy { $0.isHTML("table") && $0.firstChild == nil })
        case .nestedTableCell:
            var node = body
            var tables = 0
            outer: while true {
                for name in ["table", "tbody", "tr", "td"] as [StaticString] {
                    let children = Array(node.children)
                    guard children.count == 1, children[0].isHTML(name) else { break outer }
                    node = children[0]
                }
                tables += 1
            }
            #expect(tables == n, "nested table cells: \(tables) tables deep, expected \(n)")
            #expect(onlyText(of: node) == "x")
        case .nestedAnchor:
            let children = Array(body.children)
            #expect(children.count == n, "anchors: \(children.count) children of body, expected \(n)")
            #expect(children.allSatisfy { $0.isHTML("a") })
            #expect(children.dropLast().allSatisfy { $0.firstChild == nil })
            #expect(children.last.map { onlyText(of: $0) } == "x")
        case .paragraphBold:
            let children = Array(body.children)
            #expect(children.count == n, "paragraphs: \(children.count) children of body, expected \(n)")
            var wrong: [Int] = []
            for (index, paragraph) in children.enumerated() {
                let (depth, innermost) = chain(from: paragraph) { $0.isHTML("b") }
                if !paragraph.isHTML("p") || depth != min(index + 1, 4) || onlyText(of: innermost) != "x" { wrong.append(index) }
            }
            #expect(wrong.isEmpty, "paragraphs not p > b{min(k, 4)} > x: \(wrong.prefix(10)) (of \(wrong.count))")
        }
    }

    /// This thread's CPU time: steadier than the wall clock when other work shares the cores.
    static func threadCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
    }

    // MARK: Walking

    /// The `body` element (html's second element child).
    static func body(of document: HTMLDocument) -> DOMNode? {
        document.documentElement?.children.first { $0.isHTML("body") }
    }

    /// Follows only children while each node has exactly one child and it is `matches`:
    /// how many steps, and the last node reached.
    static func chain(from start: DOMNode, _ matches: (DOMNode) -> Bool) -> (Int, DOMNode) {
        var node = start
        var depth = 0
        while let child = node.firstChild, child.nextSibling == nil, child.isElement, matches(child) {
            node = child
            depth += 1
        }
        return (depth, node)
    }

    /// The text of a node whose only child is one text node, else nil.
    static func onlyText(of node: DOMNode) -> String? {
        guard let child = node.firstChild, child.nextSibling == nil, child.kind == .text else { return nil }
        return child.data
    }

    /// Every node in tree order, template contents too, without recursion; checks that each
    /// child's parent and sibling links agree.
    static func nodeCount(_ document: HTMLDocument) -> Int {
        var count = 0
        var pending: [DOMNode] = [document.document]
        while let root = pending.popLast() {
            var node: DOMNode? = root
            while let current = node {
                count += 1
                if let contents = current.templateContents { pending.append(contents) }
                if let child = current.firstChild {
                    precondition(child.parent == current && child.previousSibling == nil, "broken child links")
                    node = child
                    continue
                }
                var climb: DOMNode? = current
                node = nil
                while let up = climb, up != root {
                    if let next = up.nextSibling {
                        precondition(next.previousSibling == up && next.parent == up.parent, "broken sibling links")
                        node = next
                        break
                    }
                    climb = up.parent
                }
            }
        }
        return count
    }
}

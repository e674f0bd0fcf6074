import CFuzzDriver
import Dispatch
import Foundation
import NIOCore
import NIOWebSocket
import ScrapeBase
import ScrapeCore
import ScrapeHTML
import ScrapePages
import ScrapeStream

/// libFuzzer entry points for the parsers that read what strangers send us: the title
/// extractor (bytes + a charset label), robots.txt parsing and matching, the JSON parser
/// and path selector of `scrape api`, the URL-line reader, the resume index's check and
/// repair, the YAML config loader, for `scrape ws` the JSON compactor (against the
/// parser), the frame rules with permessage-deflate, and the handshake answer, and for
/// fields the HTML tree builder (with selectors run over what it builds) and the CSS
/// selector parser (with what it compiles run over a fixed page).
///
/// Built only by `make fuzz` (`SCRAPE_FUZZ=1` adds this target, `-sanitize=fuzzer,address`
/// links libFuzzer). One binary serves every target: `SCRAPE_FUZZ_TARGET` names the one to
/// run. Each input must never crash, hang or trip AddressSanitizer; where an invariant is
/// cheap to state, it is checked too.
///
/// libFuzzer's own `main` drives it (lld links `FuzzerMain.o` from `-sanitize=fuzzer`); the
/// `@main` below is there for a link where SwiftPM's entry point wins instead, and then
/// hands over to the same driver.
@main
enum FuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch FuzzTarget.current {
    case .title: FuzzTarget.title(bytes)
    case .robots: FuzzTarget.robots(bytes)
    case .json: FuzzTarget.json(bytes)
    case .urlSource: FuzzTarget.urlSource(bytes)
    case .resume: FuzzTarget.resume(bytes)
    case .config: FuzzTarget.config(bytes)
    case .jsonCompact: FuzzTarget.jsonCompact(bytes)
    case .wsFrames: FuzzTarget.wsFrames(bytes)
    case .wsHandshake: FuzzTarget.wsHandshake(bytes)
    case .tree: FuzzTarget.tree(bytes)
    case .selector: FuzzTarget.selector(bytes)
    }
    return 0
}

enum FuzzTarget: String {
    case title, robots, json, urlSource = "url-source", resume, config
    case jsonCompact = "json-compact", wsFrames = "ws-frames", wsHandshake = "ws-handshake"
    case tree, selector

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["SCRAPE_FUZZ_TARGET"] ?? "title"
        guard let target = FuzzTarget(rawValue: name) else { fatalError("SCRAPE_FUZZ_TARGET: unknown target \(name)") }
        return target
    }()

    static let labels = [nil, "utf-8", "windows-1252", "latin1", "shift_jis", "utf-16le", "utf-16be", "iso-2022-jp", "gbk", "x-user-defined", "replacement", "bogus"]

    /// First byte: which charset label the HTTP header gives; the rest: the body.
    static func title(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let label = labels[Int(first) % labels.count]
        let contentType = label.map { "text/html; charset=\($0)" } ?? "text/html"
        let title = TitleExtractor().title(in: Array(bytes.dropFirst()), contentType: contentType)
        if let title {
            // document.title never starts or ends with ASCII whitespace, nor holds two in a row.
            let ascii: Set<Character> = ["\t", "\n", "\u{0C}", "\r", " ", "\r\n"]
            precondition(title.first.map { !ascii.contains($0) } ?? true, "title starts with whitespace")
            precondition(title.last.map { !ascii.contains($0) } ?? true, "title ends with whitespace")
        }
    }

    /// robots.txt, then a line break, then the path to match (the last line).
    static func robots(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let path = text.split(separator: "\n").last.map(String.init) ?? "/"
        let rules = RobotsRules(parsing: text, userAgent: "scrape")
        _ = rules.allows(path.hasPrefix("/") ? path : "/" + path)
        _ = rules.allows("/robots.txt")
    }

    static func json(_ bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes) else { return }
        for path in ["$", "data", "data.items", "a[0].b", "meta.next_cursor", "items[3]"] {
            if let found = JSONPath(path).flatMap({ value.value(at: $0) }) {
                _ = found.scalarText(in: bytes)
                _ = found.compactBytes(in: bytes)
            }
        }
        _ = value.compactBytes(in: bytes)
    }

    /// The bytes as a URL list file.
    static func urlSource(_ bytes: [UInt8]) {
        withTemporaryFile(bytes) { path in
            blocking {
                guard let source = try? URLSource(path: path) else { return }
                var count = 0
                while let batch = try? await source.nextBatch(maxLines: 7) {
                    for line in batch {
                        precondition(!line.text.isEmpty, "an empty line became a URL line")
                        precondition(line.text.utf8.count <= URLSource.maxLineBytes, "a line over the limit")
                        _ = line.requestURL
                    }
                    count += batch.count
                    precondition(count <= bytes.count, "more lines than bytes")
                }
            }
        }
    }

    /// The bytes as an existing output for `--resume --retry-failed`: refused, or repaired
    /// so that every line left is whole.
    static func resume(_ bytes: [UInt8]) {
        withTemporaryFile(bytes) { path in
            guard (try? ResumeIndex.load(path: path, retrying: .default)) != nil else { return }
            precondition(lastByte(of: path).map { $0 == UInt8(ascii: "\n") } ?? true, "a repaired file ends mid-line")
        }
    }

    static func config(_ bytes: [UInt8]) {
        _ = try? ScrapeConfiguration(yaml: String(decoding: bytes, as: UTF8.self))
    }

    /// A text message (valid UTF-8, as `scrape ws` only asks this of those): the compactor
    /// must take exactly what the strict parser takes, and copy it exactly as its
    /// `compactBytes` does.
    static func jsonCompact(_ bytes: [UInt8]) {
        guard JSONLineEncoder.isValidUTF8(bytes) else { return }
        var output: [UInt8] = []
        let compacted = JSONCompactor.appendCompacted(bytes, to: &output)
        let parsed = try? JSONParser.parse(bytes)
        precondition(compacted == (parsed != nil), "the compactor and the parser disagree")
        if let parsed { precondition(output == parsed.compactBytes(in: bytes), "compacted bytes differ") }
        if !compacted { precondition(output.isEmpty, "a refused value left bytes behind") }
    }

    /// First byte: deflate negotiated (bit 0) and the size limit (bits 1-3); then frames of
    /// [flags+opcode byte][length byte][payload]. Messages must respect the limit, text must
    /// be UTF-8, and a deflate bomb must be refused, never inflated.
    static func wsFrames(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let limit = 16 << Int((first >> 1) & 0x7)
        var assembler = MessageAssembler(maxMessageSize: limit, deflate: first & 1 == 1 ? DeflateParameters() : nil)
        var index = 1
        while index + 1 < bytes.count {
            let header = bytes[index]
            let length = min(Int(bytes[index + 1]), bytes.count - index - 2)
            let payload = ByteBuffer(bytes: bytes[(index + 2)..<(index + 2 + length)])
            index += 2 + length
            var frame = WebSocketFrame(fin: header & 0x80 != 0, opcode: WebSocketOpcode(encodedWebSocketOpcode: header & 0x0F)!, data: payload)
            frame.rsv1 = header & 0x40 != 0
            frame.rsv2 = header & 0x20 != 0
            frame.rsv3 = header & 0x10 != 0
            switch assembler.receive(frame) {
            case .message(let message):
                precondition(message.payload.count <= limit, "a message over the limit")
                if message.kind == .text { precondition(JSONLineEncoder.isValidUTF8(message.payload), "text that is not UTF-8") }
            case .violation:
                return
            case .partial, .ping, .pong, .close:
                continue
            }
        }
    }

    /// An answer to the upgrade request: parsed and judged against a handshake we made.
    static func wsHandshake(_ bytes: [UInt8]) {
        guard let head = ResponseHead.parse(bytes) else { return }
        let url = try! StreamURL("ws://127.0.0.1:9/feed")
        let handshake = Handshake(url: url, headers: [], subprotocol: "v1", offerCompression: true, userAgent: "fuzz")
        if case .success(let negotiated) = handshake.interpret(head) {
            precondition(head.status == 101, "a success without 101")
            precondition(negotiated.subprotocol == nil || negotiated.subprotocol == "v1", "an unoffered subprotocol")
        }
    }

    /// The bytes as a page already decoded to UTF-8 (malformed sequences too: the tokenizer
    /// takes any bytes), the scripting flag from the length's parity so both settings are
    /// tried. The tree must be whole (``checkTree(_:)``), and the selectors of
    /// ``treeSelectors`` must give over it what a plain walk with `matches` gives.
    static func tree(_ bytes: [UInt8]) {
        let document = bytes.withUnsafeBufferPointer { HTMLParser.parse(utf8: $0, scripting: bytes.count % 2 == 0) }
        let elements = checkTree(document)
        _ = document.documentElement?.textContent
        for selector in treeSelectors {
            checkSelection(selector, in: document, elements: elements)
        }
    }

    /// The bytes as a selector's text. One that parses must select over ``selectorPage``
    /// exactly the elements `matches` accepts, in document order, each once; one that is
    /// refused must place its fault inside the text.
    static func selector(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        do throws(SelectorError) {
            let selector = try CSSSelector(text)
            checkSelection(selector, in: selectorPage.document, elements: selectorPage.elements)
        } catch {
            precondition(error.offset >= 0 && error.offset <= text.unicodeScalars.count, "a fault offset outside the selector: \(error.offset)")
            precondition(!error.message.isEmpty, "a fault without a message")
        }
    }

    /// Selectors that reach every part of the matcher, run over each fuzzed tree.
    static let treeSelectors: [CSSSelector] = [
        "*", "p", "div > p", "b i", "a + a", "td ~ td", "[id]", "[class~=x i]", "[href^=h][href$=l]", "svg *", "foreignObject p",
        "linearGradient", ":has(> b)", "li:nth-child(2n+1 of .x)", ":nth-last-of-type(2)", ":is(h1, h2):not(.a)", ":empty",
        ":root", ":only-child", "table tr:first-child td", "template", "select option", "body :where(p, div):has(~ p)",
    ].map { try! CSSSelector($0) }

    /// A page with something for most selectors to match: ids, classes, attributes, lists,
    /// a table, forms, foreign content, a template, and its elements in document order.
    nonisolated(unsafe) static let selectorPage: (document: HTMLDocument, elements: [DOMNode]) = {
        let page = """
            <!DOCTYPE html><html lang="en"><head><title>Page</title><meta name="description" content="d"><base href="https://example.test/"></head>
            <body class="Home"><header id="top"><nav><ul><li class="x"><a href="/a" rel="Next">A</a></li><li><a href="/b">B</a></li>
            <li class="x sel">C</li><li class="x"><em>D</em></li></ul></nav></header><main><h1 id="t">Title <b>bold <i>it</i></b></h1>
            <p class="a">one</p><p class="b" lang="en-GB">two<br>three</p><div class="a b"><p></p><span data-x="ABC">s</span></div>
            <table><caption>c</caption><tr><th>k</th><td>1</td><td>2</td></tr><tr><td colspan=2>3</td></tr></table>
            <form><input type="CHECKBOX" name="c"><select><option selected>o1<option>o2</select><textarea>t</textarea></form>
            <svg viewBox="0 0 1 1"><linearGradient id="g"/><foreignObject><p class="fo">f</p></foreignObject></svg>
            <math><mi>x</mi></math><template><p class="in">in</p></template><!-- c --></main><footer><p>end</p></footer></body></html>
            """
        let bytes = Array(page.utf8)
        let document = bytes.withUnsafeBufferPointer { HTMLParser.parse(utf8: $0) }
        return (document, checkTree(document))
    }()

    /// Checks that a built tree is whole: one `html` root element; every child's parent and
    /// sibling links agree; no empty text node (the standard never makes one); every
    /// element has a name and no attribute twice; HTML element names have no ASCII
    /// capitals; every HTML `template` has its contents. Walks without recursion (trees
    /// can be as deep as the input is long). Returns the elements in document order,
    /// template contents left out (as selectors see them).
    @discardableResult
    static func checkTree(_ document: HTMLDocument) -> [DOMNode] {
        let roots = document.document.children.filter(\.isElement)
        precondition(roots.count == 1 && roots[0].isHTML("html"), "the root is not one html element")
        var elements: [DOMNode] = []
        var pending: [(root: DOMNode, inTemplate: Bool)] = [(document.document, false)]
        while let entry = pending.popLast() {
            let (root, inTemplate) = entry
            var node: DOMNode? = root
            while let current = node {
                switch current.kind {
                case .element:
                    if !inTemplate { elements.append(current) }
                    precondition(current.nameBytes.count > 0, "an element without a name")
                    if current.namespace == .html {
                        precondition(!current.nameBytes.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }, "an HTML element name with capitals")
                    }
                    let attributes = Array(current.attributes)
                    for (index, attribute) in attributes.enumerated() {
                        precondition(attribute.localNameBytes.count > 0, "an attribute without a name")
                        for other in attributes[..<index] where other.namespace == attribute.namespace {
                            precondition(!other.localNameBytes.elementsEqual(attribute.localNameBytes), "an attribute twice")
                        }
                    }
                    if current.isHTML("template") {
                        guard let contents = current.templateContents else { preconditionFailure("a template without contents") }
                        precondition(contents.kind == .fragment, "template contents that are not a fragment")
                        pending.append((contents, true))
                    }
                case .text:
                    precondition(current.dataBytes.count > 0, "an empty text node")
                default:
                    break
                }
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
                    precondition(up.parent?.lastChild == up, "a last child its parent does not know")
                    climb = up.parent
                }
            }
        }
        return elements
    }

    /// `select` must give exactly the elements (in document order, template contents left
    /// out) that `matches` accepts, in that order; `first` must be its first. On big trees
    /// only the order is checked: `matches` one element at a time has no `:has()` cache, and
    /// its cost would show as a timeout that is this check's, not the engine's.
    static func checkSelection(_ selector: CSSSelector, in document: HTMLDocument, elements: [DOMNode]) {
        let found = selector.select(in: document)
        precondition(selector.first(in: document) == found.first, "first is not select's first for \(selector.text)")
        if elements.count <= 2000 {
            let expected = elements.filter { selector.matches($0, in: document) }
            precondition(found == expected, "select and matches disagree for \(selector.text)")
        } else {
            let order = Dictionary(uniqueKeysWithValues: elements.enumerated().map { ($1, $0) })
            var last = -1
            for element in found {
                guard let index = order[element] else { preconditionFailure("select gave a node outside the tree for \(selector.text)") }
                precondition(index > last, "select out of document order for \(selector.text)")
                last = index
            }
        }
    }

    /// The file's last byte, nil when it is empty (read with the system calls: Foundation's
    /// file reading holds a buffer LeakSanitizer reports).
    private static func lastByte(of path: String) -> UInt8? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size > 0 else { return nil }
        var byte: UInt8 = 0
        return pread(descriptor, &byte, 1, size - 1) == 1 ? byte : nil
    }

    private static let directory: String = {
        let path = NSTemporaryDirectory() + "scrape-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    private static func withTemporaryFile(_ bytes: [UInt8], _ body: (String) -> Void) {
        let path = directory + "/input"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0, "cannot write \(path)")
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        body(path)
        unlink(path)
    }

    /// Runs async work to its end from libFuzzer's synchronous callback.
    private static func blocking(_ work: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await work()
            done.signal()
        }
        done.wait()
    }
}

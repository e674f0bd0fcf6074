import Foundation
import Testing

@testable import ScrapeHTML

/// A token as the tests compare it: bytes, so that opaque input bytes are compared exactly.
enum TestToken: Equatable, CustomStringConvertible {
    case characters([UInt8])
    case startTag(name: [UInt8], attributes: [[UInt8]], selfClosing: Bool)  // attributes: name, value, name, value…
    case endTag([UInt8])
    case comment([UInt8])
    case doctype(name: [UInt8]?, publicID: [UInt8]?, systemID: [UInt8]?, forceQuirks: Bool)

    static func chars(_ text: String) -> TestToken { .characters(Array(text.utf8)) }
    static func start(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], selfClosing: Bool = false) -> TestToken {
        .startTag(name: Array(name.utf8), attributes: attributes.flatMap { [Array($0.key.utf8), Array($0.value.utf8)] },
                  selfClosing: selfClosing)
    }
    static func end(_ name: String) -> TestToken { .endTag(Array(name.utf8)) }
    static func comment(_ data: String) -> TestToken { .comment(Array(data.utf8)) }
    static func doctype(_ name: String?, public publicID: String? = nil, system systemID: String? = nil, quirks: Bool = false) -> TestToken {
        .doctype(name: name.map { Array($0.utf8) }, publicID: publicID.map { Array($0.utf8) },
                 systemID: systemID.map { Array($0.utf8) }, forceQuirks: quirks)
    }

    var description: String {
        func show(_ bytes: [UInt8]?) -> String { bytes.map { String(reflecting: String(decoding: $0, as: UTF8.self)) } ?? "nil" }
        switch self {
        case .characters(let text): return "chars(\(show(text)))"
        case .startTag(let name, let attributes, let selfClosing):
            let pairs = stride(from: 0, to: attributes.count, by: 2).map { "\(show(attributes[$0]))=\(show(attributes[$0 + 1]))" }
            return "start(\(show(name)) \(pairs.joined(separator: " "))\(selfClosing ? " /" : ""))"
        case .endTag(let name): return "end(\(show(name)))"
        case .comment(let data): return "comment(\(show(data)))"
        case .doctype(let name, let publicID, let systemID, let quirks):
            return "doctype(\(show(name)) public \(show(publicID)) system \(show(systemID))\(quirks ? " quirks" : ""))"
        }
    }

    /// Runs the tokenizer over `input` to the end; the tokens, or nil if it did not end
    /// (a loop) or handed out an empty character run.
    static func tokenize(_ input: [UInt8], state: HTMLTokenizer.State = .data, lastStartTag: String? = nil,
                         allowsCDATA: Bool = false) -> [TestToken]? {
        input.withUnsafeBufferPointer { buffer in
            var tokenizer = HTMLTokenizer(buffer)
            tokenizer.state = state
            tokenizer.allowsCDATA = allowsCDATA
            if let lastStartTag { tokenizer.lastStartTagName = Array(lastStartTag.utf8) }
            var tokens: [TestToken] = []
            for _ in 0...(input.count * 2 + 10) {
                switch tokenizer.next() {
                case .characters:
                    guard !tokenizer.text.isEmpty else { return nil }
                    tokens.append(.characters(tokenizer.text))
                case .startTag, .endTag:
                    let tag = tokenizer.tag
                    if tokenizer.tagIsEnd {
                        tokens.append(.endTag(tag.name))
                    } else {
                        tokens.append(.startTag(name: tag.name, attributes: tag.attributes.flatMap { [$0.name, $0.value] },
                                                selfClosing: tag.selfClosing))
                    }
                case .comment:
                    tokens.append(.comment(tokenizer.text))
                case .doctype:
                    let doctype = tokenizer.doctype
                    tokens.append(.doctype(name: doctype.name, publicID: doctype.publicID, systemID: doctype.systemID,
                                           forceQuirks: doctype.forceQuirks))
                case .endOfFile:
                    return tokenizer.next() == .endOfFile ? tokens : nil
                }
            }
            return nil
        }
    }

    static func tokenize(_ input: String, state: HTMLTokenizer.State = .data, lastStartTag: String? = nil,
                         allowsCDATA: Bool = false) -> [TestToken]? {
        tokenize(Array(input.utf8), state: state, lastStartTag: lastStartTag, allowsCDATA: allowsCDATA)
    }
}

/// Our own cases, one group per family of the standard's tokenizer states.
struct HTMLTokenizerTests {
    private func tokens(_ input: String, state: HTMLTokenizer.State = .data, lastStartTag: String? = nil,
                        allowsCDATA: Bool = false) -> [TestToken]? {
        TestToken.tokenize(input, state: state, lastStartTag: lastStartTag, allowsCDATA: allowsCDATA)
    }

    @Test func charactersAreOneRunUpToTheNextOtherToken() {
        #expect(tokens("a<b>c &amp; d</b>e") == [.chars("a"), .start("b"), .chars("c & d"), .end("b"), .chars("e")])
        #expect(tokens("") == [])
        #expect(tokens("a < b <") == [.chars("a < b <")])
        #expect(tokens("x\0y") == [.chars("x\0y")])  // data state: U+0000 left to the tree builder
    }

    @Test func tagsAndAttributes() {
        #expect(tokens("<A HREF=x Href=y b>") == [.start("a", ["href": "x", "b": ""])])
        #expect(tokens("<br/>") == [.start("br", selfClosing: true)])
        #expect(tokens("<a b='c'd>") == [.start("a", ["b": "c", "d": ""])])
        #expect(tokens("<a =b>") == [.start("a", ["=b": ""])])
        #expect(tokens("<a b=>") == [.start("a", ["b": ""])])
        #expect(tokens("<a<b c=\"1>2\">") == [.start("a<b", ["c": "1>2"])])
        #expect(tokens("<a b=1 / c>") == [.start("a", ["b": "1", "c": ""])])
        #expect(tokens("</a b=1>") == [.end("a")])
        #expect(tokens("<a\0>") == [.start("a\u{FFFD}")])
        #expect(tokens("<a b") == [])
        #expect(tokens("<1>") == [.chars("<1>")])
        #expect(tokens("</>x") == [.chars("x")])
        #expect(tokens("</") == [.chars("</")])
    }

    @Test func duplicateAttributesKeepTheFirst() {
        #expect(tokens("<a x=1 X=2 y x='3'>") == [.start("a", ["x": "1", "y": ""])])
        #expect(tokens("<a x=1 x=\"&amp;\" z=2>") == [.start("a", ["x": "1", "z": "2"])])
    }

    @Test func duplicatesAmongManyAttributes() throws {
        let names = (0..<100).map { "a\($0)" }
        let input = "<x " + names.map { "\($0)=1" }.joined(separator: " ") + " a5=2 a70=3 z=4 a99=5><y a1 a1>"
        let result = try #require(tokens(input))
        #expect(result.count == 2)
        guard case .startTag(_, let attributes, _) = result[0] else { return }
        #expect(attributes.count == 2 * 101)
        #expect(attributes.suffix(2) == [Array("z".utf8), Array("4".utf8)])
        #expect(result[1] == .start("y", ["a1": ""]))
    }

    @Test func tagStorageIsReusedWithoutLeaking() {
        #expect(tokens("<a x=1 y=2><b><c z=3>") == [.start("a", ["x": "1", "y": "2"]), .start("b"), .start("c", ["z": "3"])])
        #expect(tokens("<a x=1 y=2 z=3><b q=1></b r=2></c s=3><d t=4 u=5 v=6 w=7><e x=1 x=2 y><f>")
            == [.start("a", ["x": "1", "y": "2", "z": "3"]), .start("b", ["q": "1"]), .end("b"), .end("c"),
                .start("d", ["t": "4", "u": "5", "v": "6", "w": "7"]), .start("e", ["x": "1", "y": ""]), .start("f")])
        #expect(tokens("<a p=\"abcdef\" q=ghijk r='lmn'><b p q='' r=\"\"><c p=1 p=2 q><d P=\"x&amp;\" Q=&lt;><e p q>")
            == [.start("a", ["p": "abcdef", "q": "ghijk", "r": "lmn"]), .start("b", ["p": "", "q": "", "r": ""]),
                .start("c", ["p": "1", "q": ""]), .start("d", ["p": "x&", "q": "<"]), .start("e", ["p": "", "q": ""])])
        #expect(tokens("<a x=1></a y=2><b z=3 z=4 w></b><c>")
            == [.start("a", ["x": "1"]), .end("a"), .start("b", ["z": "3", "w": ""]), .end("b"), .start("c")])
    }

    @Test func comments() {
        #expect(tokens("<!-->x") == [.comment(""), .chars("x")])
        #expect(tokens("<!--->x") == [.comment(""), .chars("x")])
        #expect(tokens("<!---->") == [.comment("")])
        #expect(tokens("<!--a--!>b") == [.comment("a"), .chars("b")])
        #expect(tokens("<!--a--!b-->") == [.comment("a--!b")])
        #expect(tokens("<!--a--->") == [.comment("a-")])
        #expect(tokens("<!--a-b--c-->") == [.comment("a-b--c")])
        #expect(tokens("<!-- <!-- x -->") == [.comment(" <!-- x ")])
        #expect(tokens("<!--<!---->") == [.comment("<!--")])
        #expect(tokens("<!--a\0-->") == [.comment("a\u{FFFD}")])
        #expect(tokens("<!--a") == [.comment("a")])
        #expect(tokens("x<!--a-") == [.chars("x"), .comment("a")])
    }

    @Test func bogusComments() {
        #expect(tokens("<?xml x?>y") == [.comment("?xml x?"), .chars("y")])
        #expect(tokens("</1 x>") == [.comment("1 x")])
        #expect(tokens("<!x>") == [.comment("x")])
        #expect(tokens("<!>") == [.comment("")])
        #expect(tokens("<!-x") == [.comment("-x")])
        #expect(tokens("<?a") == [.comment("?a")])
    }

    @Test func doctypes() {
        #expect(tokens("<!DOCTYPE html>") == [.doctype("html")])
        #expect(tokens("<!doctype HTML >") == [.doctype("html")])
        #expect(tokens("<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">")
            == [.doctype("html", public: "-//W3C//DTD HTML 4.01//EN", system: "http://www.w3.org/TR/html4/strict.dtd")])
        #expect(tokens("<!DOCTYPE html system 'about:legacy-compat'>") == [.doctype("html", system: "about:legacy-compat")])
        #expect(tokens("<!DOCTYPE html PUBLIC'x''y'>") == [.doctype("html", public: "x", system: "y")])
        #expect(tokens("<!DOCTYPE>") == [.doctype(nil, quirks: true)])
        #expect(tokens("<!DOCTYPE") == [.doctype(nil, quirks: true)])
        #expect(tokens("<!DOCTYPE html") == [.doctype("html", quirks: true)])
        #expect(tokens("<!DOCTYPE html PUBLIC>") == [.doctype("html", quirks: true)])
        #expect(tokens("<!DOCTYPE html PUBLIC \"a>b") == [.doctype("html", public: "a", quirks: true), .chars("b")])
        #expect(tokens("<!DOCTYPE html \"x\">y") == [.doctype("html", quirks: true), .chars("y")])
        #expect(tokens("<!DOCTYPE html SYSTEM \"a\" junk>") == [.doctype("html", system: "a")])
        #expect(tokens("<!DOCTYPE html PUBLIC \"a\" junk>") == [.doctype("html", public: "a", quirks: true)])
        #expect(tokens("<!DOCTYPEhtml>") == [.doctype("html")])
        #expect(tokens("<!DOCTYPE \0x>") == [.doctype("\u{FFFD}x")])
    }

    @Test func cdataSectionsOnlyInForeignContent() {
        #expect(tokens("<![CDATA[x<y]]>z", allowsCDATA: true) == [.chars("x<yz")])
        #expect(tokens("<![CDATA[a]]]>", allowsCDATA: true) == [.chars("a]")])
        #expect(tokens("<![CDATA[a]b]]c", allowsCDATA: true) == [.chars("a]b]]c")])
        #expect(tokens("<![CDATA[a\0", allowsCDATA: true) == [.chars("a\0")])
        #expect(tokens("<![CDATA[x<y]]>z") == [.comment("[CDATA[x<y]]"), .chars("z")])
        #expect(tokens("<![cdata[x]]>", allowsCDATA: true) == [.comment("[cdata[x]]")])
    }

    @Test func rcdataAndRawtextEndOnlyAtTheAppropriateEndTag() {
        #expect(tokens("a &amp; <b></title>c", state: .rcdata, lastStartTag: "title")
            == [.chars("a & <b>"), .end("title"), .chars("c")])
        #expect(tokens("x</TITLE >", state: .rcdata, lastStartTag: "title") == [.chars("x"), .end("title")])
        #expect(tokens("x</titlex></title/>", state: .rcdata, lastStartTag: "title") == [.chars("x</titlex>"), .end("title")])
        #expect(tokens("x</title>", state: .rcdata) == [.chars("x</title>")])
        #expect(tokens("x</title", state: .rcdata, lastStartTag: "title") == [.chars("x</title")])
        #expect(tokens("a\0b", state: .rcdata) == [.chars("a\u{FFFD}b")])
        #expect(tokens("a &amp; <!-- </style >", state: .rawtext, lastStartTag: "style")
            == [.chars("a &amp; <!-- "), .end("style")])
        #expect(tokens("a\0</", state: .rawtext) == [.chars("a\u{FFFD}</")])
        #expect(tokens("<a>&amp;\0</plaintext>", state: .plaintext, lastStartTag: "plaintext")
            == [.chars("<a>&amp;\u{FFFD}</plaintext>")])
    }

    @Test func scriptDataEscapes() {
        #expect(tokens("a<!--<script>x</script>y-->b</script>", state: .scriptData, lastStartTag: "script")
            == [.chars("a<!--<script>x</script>y-->b"), .end("script")])
        #expect(tokens("a<!--x</script>y", state: .scriptData, lastStartTag: "script")
            == [.chars("a<!--x"), .end("script"), .chars("y")])
        #expect(tokens("x</scriptx></script >", state: .scriptData, lastStartTag: "script")
            == [.chars("x</scriptx>"), .end("script")])
        #expect(tokens("<!--<script>--></script>", state: .scriptData, lastStartTag: "script")
            == [.chars("<!--<script>-->"), .end("script")])
        #expect(tokens("<!--<scripts></script>", state: .scriptData, lastStartTag: "script")
            == [.chars("<!--<scripts>"), .end("script")])
        #expect(tokens("<!-\0-<!--\0-\0--\0", state: .scriptData)
            == [.chars("<!-\u{FFFD}-<!--\u{FFFD}-\u{FFFD}--\u{FFFD}")])
        #expect(tokens("<!--<script>\0-\0--\0</script", state: .scriptData, lastStartTag: "script")
            == [.chars("<!--<script>\u{FFFD}-\u{FFFD}--\u{FFFD}</script")])
    }

    @Test func namedCharacterReferences() {
        #expect(tokens("&notit; &notin; &not") == [.chars("¬it; ∉ ¬")])
        #expect(tokens("&amp &ampx &AMP; &Aacute &copy=") == [.chars("& &x & Á ©=")])
        #expect(tokens("&foo; &; & &x") == [.chars("&foo; &; & &x")])
        #expect(tokens("&") == [.chars("&")])
        #expect(tokens("&NotNestedGreaterGreater;&fjlig;") == [.chars("\u{2AA2}\u{338}fj")])
    }

    @Test func referencesInAttributesFollowTheHistoricalRule() {
        #expect(tokens("<a href=\"?a=1&amp=2&ampx&amp;c&copy\">")
            == [.start("a", ["href": "?a=1&amp=2&ampx&c©"])])
        #expect(tokens("<a href='&not;&notit&noti=&not-'>") == [.start("a", ["href": "¬&notit&noti=¬-"])])
        #expect(tokens("<a b=&amp;&lt>") == [.start("a", ["b": "&<"])])
        #expect(tokens("<a b=x&amp=y>") == [.start("a", ["b": "x&amp=y"])])
    }

    @Test func numericCharacterReferences() {
        #expect(tokens("&#65;&#x41&#X41;&#0065") == [.chars("AAAA")])
        #expect(tokens("&#0;&#xD800;&#x110000;&#99999999999999;") == [.chars("\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")])
        #expect(tokens("&#x80;&#x81;&#x9F;&#150;") == [.chars("€\u{81}Ÿ–")])
        #expect(tokens("&#;&#x;&#xg&#a") == [.chars("&#;&#x;&#xg&#a")])
        #expect(tokens("&#x1F600;&#13;&#xFFFF;") == [.chars("😀\r\u{FFFF}")])
        #expect(tokens("<a b='&#x26;&#65'>") == [.start("a", ["b": "&A"])])
    }

    @Test func carriageReturnsAreNewlines() {
        #expect(tokens("a\r\nb\rc\r\r\nd\r") == [.chars("a\nb\nc\n\nd\n")])
        #expect(tokens("<a x=\"1\r\n2\" y='\r' z=\r\n3\r\n>") == [.start("a", ["x": "1\n2", "y": "\n", "z": "3"])])
        #expect(tokens("<!--\r\n-\r-->") == [.comment("\n-\n")])
        #expect(tokens("a\r\n</title\r\n>", state: .rcdata, lastStartTag: "title") == [.chars("a\n"), .end("title")])
        #expect(tokens("<![CDATA[\r\n]]>", allowsCDATA: true) == [.chars("\n")])
        #expect(tokens("<!--<script>\r\n-\r--\r\n", state: .scriptData) == [.chars("<!--<script>\n-\n--\n")])
    }

    @Test func runsEndAtEveryOffset() {
        // The run scanner reads eight bytes at a time: put each stop at each offset.
        for length in 0..<20 {
            let pad = String(repeating: "é", count: length / 2) + String(repeating: "x", count: length % 2)
            #expect(tokens(pad + "\r\n" + pad + "\r" + pad + "<b c=\"" + pad + "\r\n\0&amp;\">" + pad + "<!--" + pad + "-->")
                == [.chars(pad + "\n" + pad + "\n" + pad), .start("b", ["c": pad + "\n\u{FFFD}&"])]
                + (pad.isEmpty ? [] : [.chars(pad)]) + [.comment(pad)])
            #expect(tokens(pad + "\0" + pad + "</x>", state: .rawtext, lastStartTag: "x") == [.chars(pad + "\u{FFFD}" + pad), .end("x")])
            #expect(tokens(String(repeating: "\u{FF}", count: length) + "&lt;") == [.chars(String(repeating: "\u{FF}", count: length) + "<")])
        }
    }

    @Test func randomMarkupAlwaysEnds() {
        // Fragments of every construct, glued at random: each run must end, hand out no
        // empty or split character run, and not trap.
        let pieces = ["<", ">", "/", "!", "-", "--", "?", "&", "#", "x", ";", "=", "\"", "'", " ", "\r", "\n", "\0", "[", "]",
                      "<![CDATA[", "]]>", "<!--", "-->", "--!>", "<!DOCTYPE", "PUBLIC", "SYSTEM", "<script>", "</script>",
                      "<title>", "</title>", "&amp", "&not", "&#x", "a", "B", "é", "\u{FF}"]
        let states: [HTMLTokenizer.State] = [.data, .rcdata, .rawtext, .scriptData, .plaintext, .cdataSection,
                                              .scriptDataEscaped, .scriptDataDoubleEscaped]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33) % bound
        }
        for round in 0..<3000 {
            let input = (0..<random(24)).map { _ in pieces[random(pieces.count)] }.joined()
            let result = tokens(input, state: states[round % states.count], lastStartTag: round % 2 == 0 ? "script" : "title",
                                allowsCDATA: round % 3 == 0)
            #expect(result != nil, "\(String(reflecting: input))")
            let adjacent = zip(result ?? [], (result ?? []).dropFirst()).contains {
                if case .characters = $0.0, case .characters = $0.1 { return true }
                return false
            }
            #expect(!adjacent, "\(String(reflecting: input))")
        }
    }

    @Test func opaqueBytesAreCopied() {
        #expect(TestToken.tokenize([0x61, 0xFF, 0x3C, 0x62, 0xC3, 0x20, 0x63, 0x3D, 0x80, 0x3E])
            == [.characters([0x61, 0xFF]), .startTag(name: [0x62, 0xC3], attributes: [[0x63], [0x80]], selfClosing: false)])
    }

    @Test func treeBuilderSwitchesStatesBetweenPulls() {
        let input = Array("<title>a<b></title><script>x<y</script><p>".utf8)
        var seen: [String] = []
        input.withUnsafeBufferPointer { buffer in
            var tokenizer = HTMLTokenizer(buffer)
            while true {
                let kind = tokenizer.next()
                if kind == .endOfFile { break }
                seen.append("\(kind) \(String(decoding: kind == .characters ? tokenizer.text : tokenizer.tag.name, as: UTF8.self))")
                if kind == .startTag && tokenizer.tag.name == Array("title".utf8) { tokenizer.state = .rcdata }
                if kind == .startTag && tokenizer.tag.name == Array("script".utf8) { tokenizer.state = .scriptData }
            }
            #expect(tokenizer.next() == .endOfFile)
        }
        #expect(seen == ["startTag title", "characters a<b>", "endTag title", "startTag script", "characters x<y",
                         "endTag script", "startTag p"])
    }
}

/// html5lib-tests' tokenizer cases (`$HTML5LIB_TESTS/tokenizer/*.test`): every case in
/// every initial state it names, adjacent expected Character tokens joined as our tokenizer
/// joins them; parse errors are not compared (we do not report them).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HTML5LIB_TESTS"] != nil,
                "set HTML5LIB_TESTS to an html5lib-tests checkout to run them"))
struct HTML5LibTokenizerTests {
    @Test func allCasesPass() throws {
        let root = URL(fileURLWithPath: ProcessInfo.processInfo.environment["HTML5LIB_TESTS"]!).appendingPathComponent("tokenizer")
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".test") }.sorted()
        #expect(!files.isEmpty)
        var totalFailed = 0
        for file in files {
            let data = try Data(contentsOf: root.appendingPathComponent(file))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            var passed = 0, failed = 0
            for case let test as [String: Any] in json["tests"] as? [Any] ?? [] {
                let doubleEscaped = test["doubleEscaped"] as? Bool ?? false
                let input = Self.bytes(test["input"] as? String ?? "", doubleEscaped: doubleEscaped)
                let expected = Self.expectedTokens(test["output"] as? [Any] ?? [], doubleEscaped: doubleEscaped)
                for stateName in test["initialStates"] as? [String] ?? ["Data state"] {
                    let state = try #require(Self.states[stateName], "unknown state \(stateName)")
                    let actual = TestToken.tokenize(input, state: state, lastStartTag: test["lastStartTag"] as? String)
                        .map { $0.map(Self.sortingAttributes) }
                    if actual == expected {
                        passed += 1
                    } else {
                        failed += 1
                        if failed <= 5 {
                            print("  FAIL \(file) [\(stateName)] \(test["description"] ?? ""): input \(String(reflecting: test["input"] ?? ""))")
                            print("    expected \(expected)")
                            print("    actual   \(actual.map { "\($0)" } ?? "nil (no end, or an empty run)")")
                        }
                    }
                }
            }
            print("html5lib tokenizer/\(file): \(passed) passed, \(failed) failed")
            totalFailed += failed
        }
        #expect(totalFailed == 0)
    }

    static let states: [String: HTMLTokenizer.State] = [
        "Data state": .data, "PLAINTEXT state": .plaintext, "RCDATA state": .rcdata, "RAWTEXT state": .rawtext,
        "Script data state": .scriptData, "CDATA section state": .cdataSection,
    ]

    /// The expected tokens, adjacent Character tokens joined, attributes sorted by name.
    static func expectedTokens(_ output: [Any], doubleEscaped: Bool) -> [TestToken] {
        func string(_ value: Any?) -> [UInt8]? { (value as? String).map { bytes($0, doubleEscaped: doubleEscaped) } }
        var tokens: [TestToken] = []
        for case let token as [Any] in output {
            switch token.first as? String {
            case "Character":
                let data = string(token[1]) ?? []
                if case .characters(let previous) = tokens.last {
                    tokens[tokens.count - 1] = .characters(previous + data)
                } else {
                    tokens.append(.characters(data))
                }
            case "StartTag":
                let attributes = (token.count > 2 ? token[2] as? [String: String] : nil) ?? [:]
                let pairs = attributes.map { (bytes($0.key, doubleEscaped: doubleEscaped), bytes($0.value, doubleEscaped: doubleEscaped)) }
                tokens.append(sortingAttributes(.startTag(name: string(token[1]) ?? [], attributes: pairs.flatMap { [$0.0, $0.1] },
                                                          selfClosing: token.count > 3 && (token[3] as? Bool ?? false))))
            case "EndTag":
                tokens.append(.endTag(string(token[1]) ?? []))
            case "Comment":
                tokens.append(.comment(string(token[1]) ?? []))
            case "DOCTYPE":
                tokens.append(.doctype(name: string(token[1]), publicID: string(token[2]), systemID: string(token[3]),
                                       forceQuirks: !(token[4] as? Bool ?? true)))
            default:
                break
            }
        }
        return tokens
    }

    static func sortingAttributes(_ token: TestToken) -> TestToken {
        guard case .startTag(let name, let attributes, let selfClosing) = token else { return token }
        let pairs = stride(from: 0, to: attributes.count, by: 2).map { (attributes[$0], attributes[$0 + 1]) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
        return .startTag(name: name, attributes: pairs.flatMap { [$0.0, $0.1] }, selfClosing: selfClosing)
    }

    /// `string` as UTF-8; with `doubleEscaped`, `\uHHHH` sequences are code units first, and
    /// a lone surrogate is written as its 3-byte form (the tokenizer copies such bytes).
    static func bytes(_ string: String, doubleEscaped: Bool) -> [UInt8] {
        guard doubleEscaped else { return Array(string.utf8) }
        var units: [UInt16] = []
        let source = Array(string.utf16)
        var index = 0
        while index < source.count {
            if source[index] == 0x5C, index + 5 < source.count, source[index + 1] == 0x75,
               let unit = UInt16(String(decoding: source[(index + 2)..<(index + 6)], as: UTF16.self), radix: 16) {
                units.append(unit)
                index += 6
            } else {
                units.append(source[index])
                index += 1
            }
        }
        var result: [UInt8] = []
        index = 0
        while index < units.count {
            var scalar = UInt32(units[index])
            if (0xD800..<0xDC00).contains(scalar), index + 1 < units.count, (0xDC00..<0xE000).contains(units[index + 1]) {
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (UInt32(units[index + 1]) - 0xDC00)
                index += 1
            }
            index += 1
            switch scalar {
            case ..<0x80: result.append(UInt8(scalar))
            case ..<0x800: result += [UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F)]
            case ..<0x10000: result += [UInt8(0xE0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
            default:
                result += [UInt8(0xF0 | scalar >> 18), UInt8(0x80 | scalar >> 12 & 0x3F), UInt8(0x80 | scalar >> 6 & 0x3F),
                           UInt8(0x80 | scalar & 0x3F)]
            }
        }
        return result
    }
}

import Testing

@testable import ScrapeCore

/// The composer over libyaml (Config/YAML): errors worded as users have always read them
/// (each expectation below is what the Yams-based reader printed after "not valid YAML: "
/// for the same text, taken from the binary of 2026-12-07), anchors, tags, duplicate
/// keys, documents, marks and the nesting bound.
@Suite struct YAMLComposerTests {
    private static let errorTexts: [(yaml: String, error: String)] = [
        // bad1
        ("http: [unclosed\n",
         "2:1: error: parser: while parsing a flow sequence in line 1, column 7\ndid not find expected ',' or ']':\nhttp: [unclosed\n^"),
        // scan
        ("a: b: c\n",
         "1:5: error: scanner: mapping values are not allowed in this context:\na: b: c\n    ^"),
        // tab
        ("http:\n\ttimeout: 5s\n",
         "2:1: error: scanner: while scanning for the next token in line 2, column 1\nfound character that cannot start any token:\n\ttimeout: 5s\n^"),
        // two
        ("http: {}\n---\njobs: []\n",
         "2:1: error: composer: expected a single document in the stream in line 1, column 1\nbut found another document:\n---\n^"),
        // two2
        ("http: {}\n...\n---\n",
         "3:1: error: composer: expected a single document in the stream in line 1, column 1\nbut found another document:\n---\n^"),
        // undef
        ("http:\n  timeout: *nope\n",
         "2:12: error: composer: found undefined alias:\n  timeout: *nope\n           ^"),
        // dup
        ("http:\n  timeout: 5s\n  timeout: 6s\n",
         "Parser: expected all keys to be unique but found the following duplicated key(s): 'timeout'.\nContext:\nhttp:\n  timeout: 5s\n  timeout: 6s\n in line 2, column 3\n"),
        // dupq
        ("http:\n  timeout: 5s\n  \"timeout\": 6s\n",
         "Parser: expected all keys to be unique but found the following duplicated key(s): 'timeout'.\nContext:\nhttp:\n  timeout: 5s\n  \"timeout\": 6s\n in line 2, column 3\n"),
        // dupmany
        ("http: {b: 1, a: 2, b: 3, a: 4, c: 5}\n",
         "Parser: expected all keys to be unique but found the following duplicated key(s): 'a', 'b'.\nContext:\nhttp: {b: 1, a: 2, b: 3, a: 4, c: 5}\n in line 1, column 14\n"),
        // dupint
        ("http: {1: a, 1: b}\n",
         "Parser: expected all keys to be unique but found the following duplicated key(s): '1'.\nContext:\nhttp: {1: a, 1: b}\n in line 1, column 8\n"),
        // dupseq
        ("http: {[a, b]: 1, [a, b]: 2}\n",
         "Parser: expected all keys to be unique but found the following duplicated key(s): '<uncovertable>'.\nContext:\nhttp: {[a, b]: 1, [a, b]: 2}\n in line 1, column 8\n"),
        // ctl
        ("http:\n  timeout: 5s\u{1}\n",
         "2:14: error: reader: control characters are not allowed:\n  timeout: 5s\u{1}\n             ^"),
        // del
        ("héllo: wörld\nhttp:\n  x: \"日本\u{7F}\"\n",
         "3:9: error: reader: control characters are not allowed:\n  x: \"日本\u{7F}\"\n        ^"),
        // bomerr
        ("\u{FEFF}http: [\n",
         "2:1: error: parser: while parsing a flow node in line 2, column 1\ndid not find expected node content:\n\u{FEFF}http: [\n^"),
        // crlf
        ("http:\r\n  timeout: [5s\r\n",
         "3:1: error: parser: while parsing a flow sequence in line 2, column 12\ndid not find expected ',' or ']':\n  timeout: [5s\r\n^"),
        // cjk
        ("http: {日本語: [x, y}\n",
         "1:18: error: parser: while parsing a flow sequence in line 1, column 13\ndid not find expected ',' or ']':\nhttp: {日本語: [x, y}\n                 ^"),
        // noeol
        ("http: [a",
         "2:1: error: parser: while parsing a flow sequence in line 1, column 7\ndid not find expected ',' or ']':\nhttp: [a\n^"),
        // badquote
        ("http: \"abc\n",
         "2:1: error: scanner: while scanning a quoted scalar in line 1, column 7\nfound unexpected end of stream:\nhttp: \"abc\n^"),
        // badesc
        ("http: \"\\q\"\n",
         "1:8: error: scanner: while parsing a quoted scalar in line 1, column 7\nfound unknown escape character:\nhttp: \"\\q\"\n       ^"),
        // tagh
        ("http: !x!foo bar\n",
         "1:7: error: parser: while parsing a node in line 1, column 7\nfound undefined tag handle:\nhttp: !x!foo bar\n      ^"),
        // directive2
        ("%YAML 1.1\n%YAML 1.1\n---\nhttp: {}\n",
         "2:1: error: parser: found duplicate %YAML directive:\n%YAML 1.1\n^"),
        // indent
        ("http:\n  timeout: 5s\n connect_timeout: 1s\n",
         "3:2: error: parser: while parsing a block mapping in line 1, column 1\ndid not find expected key:\n connect_timeout: 1s\n ^"),
        // recur
        ("http: &a [*a]\n",
         "1:11: error: composer: found undefined alias:\nhttp: &a [*a]\n          ^"),
        // cr
        ("http: [a\rb: c\n",
         "2:2: error: parser: while parsing a flow sequence in line 1, column 7\ndid not find expected ',' or ']':\nb: c\n ^"),
        // ls
        ("http: [a\u{2028}b\n",
         "3:1: error: parser: while parsing a flow sequence in line 1, column 7\ndid not find expected ',' or ']':\nb\n^"),
        // nel
        ("http: [a\u{85}, \n",
         "3:1: error: parser: while parsing a flow node in line 3, column 1\ndid not find expected node content:\n, \n^"),
    ]

    private func error(_ yaml: String) -> String {
        do {
            _ = try YAMLComposer.document(of: yaml)
            return "no error"
        } catch {
            return error.description
        }
    }

    private func document(_ yaml: String) throws -> YAMLNode {
        guard let node = try YAMLComposer.document(of: yaml) else { throw YAMLError(description: "no document") }
        return node
    }

    @Test(arguments: errorTexts)
    func errorsReadAsBefore(_ yaml: String, _ expected: String) {
        #expect(error(yaml) == expected)
    }

    @Test func emptyTextsHaveNoDocument() throws {
        #expect(try YAMLComposer.document(of: "") == nil)
        #expect(try YAMLComposer.document(of: "# only\n# comments\n") == nil)
        #expect(try YAMLComposer.document(of: "\u{FEFF}") == nil)
        // An explicit empty document is a document: one empty (null) scalar, on the line after `---`.
        let empty = try document("---\n")
        #expect(empty == .scalar(YAMLScalar(string: "", tag: .null, style: .plain, mark: YAMLMark(line: 2, column: 1))))
        #expect(empty.mark == YAMLMark(line: 2, column: 1))
        #expect(try document("---\n...\n").tag == .null)
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let node = try document("\u{FEFF}http:\n  timeout: 5s\n")
        guard case .mapping(let top) = node, case .mapping(let http) = top[0].value else {
            Issue.record("not a mapping: \(node)")
            return
        }
        #expect(top[0].key.string == "http")
        #expect(http[0].key.string == "timeout")
        #expect(http[0].key.mark == YAMLMark(line: 2, column: 3))
    }

    @Test func marksAreWhereNodesStart() throws {
        let node = try document("a:\n  - x\n  - &n [1, \"日本\", y]\n  -   z\nb: {c: d}\n")
        guard case .mapping(let top) = node, case .sequence(let list) = top[0].value, case .sequence(let inner) = list[1],
            case .mapping(let b) = top[1].value
        else {
            Issue.record("unexpected shape: \(node)")
            return
        }
        #expect(node.mark == YAMLMark(line: 1, column: 1))
        #expect(list.mark == YAMLMark(line: 2, column: 3))
        #expect(list[0].mark == YAMLMark(line: 2, column: 5))
        #expect(inner.mark == YAMLMark(line: 3, column: 5), "an anchored node starts at its anchor")
        #expect(inner[2].mark == YAMLMark(line: 3, column: 18), "columns count characters")
        #expect(list[2].mark == YAMLMark(line: 4, column: 7))
        #expect(b.mark == YAMLMark(line: 5, column: 4))
        #expect(b[0].key.mark == YAMLMark(line: 5, column: 5))
    }

    @Test func tagsFollowQuotingAndExplicitTags() throws {
        guard case .sequence(let items) = try document("[1, '1', \"1\", ! 1, !!str 1, !!int x, !local 1, 1:30, 1.5, yes, ~, <<, =, 2001-12-14]") else {
            Issue.record("not a sequence")
            return
        }
        #expect(items.map(\.tag) == [.int, .str, .str, .str, .str, .int, YAMLTag(name: "!local"), .int, .float, .bool, .null, .merge, .value, .timestamp])
        #expect(try document("!!map {}").tag == .map)
        #expect(try document("!!set {}").tag == YAMLTag(name: "tag:yaml.org,2002:set"))
        #expect(try document("! [a]").tag == .seq)
    }

    @Test func aliasesStandForTheirAnchoredNodes() throws {
        let node = try document("- &a [x, &b y]\n- *a\n- *b\n- &b z\n- *b\n")
        guard case .sequence(let items) = node else {
            Issue.record("not a sequence")
            return
        }
        #expect(items[1] == items[0])
        #expect(items[2].string == "y")
        #expect(items[4].string == "z", "an anchor redefined counts from there on")
        // An alias keeps the anchored node's place, as the reader always reported it.
        #expect(items[1].mark == YAMLMark(line: 1, column: 3))
    }

    @Test func aliasesToNothingOrToTheirOwnNodeAreErrors() {
        #expect(error("a: *x\n") == "1:4: error: composer: found undefined alias:\na: *x\n   ^")
        #expect(error("- &a [*a]\n") == "1:7: error: composer: found undefined alias:\n- &a [*a]\n      ^")
    }

    @Test func mergeKeysAreKeptAsKeys() throws {
        // `<<` is not merged (it never was): it stays a key, so the config reader names it
        // as unknown rather than silently taking another map's keys.
        let node = try document("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n")
        guard case .mapping(let top) = node, case .mapping(let m) = top[1].value else {
            Issue.record("not a mapping")
            return
        }
        #expect(m.map(\.key.string) == ["<<", "y"])
        #expect(m[0].key.tag == .merge)
        do {
            _ = try ScrapeConfiguration(yaml: "http:\n  <<: {timeout: 5s}\n")
            Issue.record("a merge key was accepted")
        } catch {
            #expect(error.description.hasPrefix("line 2: http.<<: unknown key"), "\(error)")
        }
    }

    @Test func keysAreEqualByTextAndResolvedTag() throws {
        #expect(throws: Never.self) { try YAMLComposer.document(of: "{1: a, \"1\": b, true: c, \"true\": d, 2001-12-14: e, '2001-12-14': f}") }
        #expect(error("{a: 1, 'a': 2}").contains("duplicated key(s): 'a'"))
        #expect(error("{!!str 1: a, '1': b}").contains("duplicated key(s): '1'"))
        #expect(error("{[a, {b: c}]: 1, [a, {b: c}]: 2}").contains("duplicated key(s): '<uncovertable>'"))
        #expect(error("{*x : 1}").contains("found undefined alias"))
        #expect(error("{&k a: 1, *k : 2}").contains("duplicated key(s): 'a'"))
        // Keys differing only in style are the same key; in tag, not.
        #expect(throws: Never.self) { try YAMLComposer.document(of: "{[a]: 1, !!set [a]: 2}") }
    }

    @Test func nestingIsBoundedAtTheThousandthCollection() {
        func block(_ depth: Int) -> String { (0..<depth).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined() }
        #expect(error(block(999)) == "no error")
        let deep = error(block(1_000))
        #expect(deep.hasPrefix("1000:1000: error: parser: while parsing in line 1000, column 1000\nMaximum nesting level reached (999 mappings and lists inside one another):\n"), "\(deep.prefix(200))")
        #expect(deep.hasSuffix(String(repeating: " ", count: 999) + "k999:\n" + String(repeating: " ", count: 999) + "^"))
        func flow(_ depth: Int) -> String { "a: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        #expect(error(flow(998)) == "no error")
        #expect(error(flow(999)).hasPrefix("1:1002: error: parser: while parsing in line 1, column 1002\nMaximum nesting level reached"))
        #expect(error("a: " + String(repeating: "&x [", count: 999) + String(repeating: "]", count: 999)).hasPrefix("1:3999: error: parser: while parsing in line 1, column 3996\n"), "the context starts at the anchor")
        #expect(error(String(repeating: "[", count: 100_000)).contains("Maximum nesting level reached"))
    }

    @Test func readerErrorsPointAtTheCharacter() {
        #expect(error("a: \u{1B}[0m\n") == "1:4: error: reader: control characters are not allowed:\na: \u{1B}[0m\n   ^")
        #expect(error("a: b\r\nc: \u{FFFE}") == "2:4: error: reader: control characters are not allowed:\nc: \u{FFFE}\n   ^")
    }
}

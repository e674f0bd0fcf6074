import ScrapeCore
import Testing

/// What the config reader makes of YAML today (Yams 6.2.2 over libyaml), pinned before any
/// change of reader (issue 30's Foundation-free binary would replace Yams): how untagged
/// scalars resolve (YAML 1.1-style booleans, radix and sexagesimal integers, floats as
/// written), explicit tags, anchors and aliases (expanded), and the errors users see.
/// JSON bodies show the resolution byte for byte: a value's JSON type is its resolved tag.
@Suite struct YAMLBehaviourTests {
    /// The compact JSON a `json:` mapping becomes (a JSON login's body).
    private func body(_ mapping: String) throws -> String {
        let file = try ScrapeConfiguration(yaml: "login:\n  url: https://a.example/\n  json: \(mapping)\n  logged_out: {status: 401}\n")
        guard case .json(_, let body, _)? = file.login?.submission else { return "not a JSON login" }
        return String(decoding: body.encoded, as: UTF8.self)
    }

    private func error(_ yaml: String) -> String {
        do {
            _ = try ScrapeConfiguration(yaml: yaml)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func plainScalarsResolveAsYamsResolvesThem() throws {
        #expect(try body("{t1: true, t2: yes, t3: Yes, t4: TRUE, t5: on, t6: off, t7: tRUE}")
            == #"{"t1":true,"t2":true,"t3":true,"t4":true,"t5":true,"t6":false,"t7":"tRUE"}"#)
        #expect(try body("{n1: ~, n2: null, n3: Null, n4: }") == #"{"n1":null,"n2":null,"n3":null,"n4":null}"#)
        #expect(try body("{i1: 0x1F, i2: 017, i3: 0o17, i4: 0b101, i5: -0x10, i6: 1_000, i7: 1:30, i8: 190:20:30, i9: -0, s1: 0o8}")
            == #"{"i1":31,"i2":15,"i3":15,"i4":5,"i5":-16,"i6":1000,"i7":90,"i8":685230,"i9":0,"s1":"0o8"}"#)
        #expect(try body("{f1: 08, f2: 1.50, f3: 1e3, f4: +1.5, f5: .5, f6: 1:30.5}") == #"{"f1":8.0,"f2":1.50,"f3":1e3,"f4":1.5,"f5":0.5,"f6":90.5}"#)
        #expect(try body("{d: 2001-12-14, m: <<, e: =, q1: 'true', q2: \"1\"}") == #"{"d":"2001-12-14","m":"<<","e":"=","q1":"true","q2":"1"}"#)
        #expect(try body("{big: 123456789012345678901234567890}") == #"{"big":123456789012345678901234567890}"#)
    }

    @Test func explicitTagsWin() throws {
        #expect(try body(#"{a: !!str 12, b: !!int "0x1F", c: !!float 1, d: ! 12, e: !custom y}"#) == #"{"a":"12","b":31,"c":1,"d":"12","e":"y"}"#)
    }

    @Test func aliasesAreExpanded() throws {
        #expect(try body("{a: &A {z: 1}, b: *A}") == #"{"a":{"z":1},"b":{"z":1}}"#)
    }

    @Test func numbersJSONCannotHoldAreRefused() {
        #expect(error("login:\n  url: https://a.example/\n  json: {x: .inf}\n  logged_out: {status: 401}\n").contains("a JSON number must be finite"))
    }

    @Test func errorsSayWhatTheParserSaid() {
        let unclosed = error("http: [unclosed\n")
        #expect(unclosed.hasPrefix("(file): not valid YAML: 2:1: error: parser: while parsing a flow sequence in line 1, column 7"), "\(unclosed)")
        #expect(unclosed.contains("did not find expected ',' or ']'"))
        let scanner = error("http: a: b\n")
        #expect(scanner.contains("not valid YAML: 1:8: error: scanner: mapping values are not allowed in this context"), "\(scanner)")
        let duplicate = error("http:\n  timeout: 1s\n  timeout: 2s\n")
        #expect(duplicate.contains("expected all keys to be unique but found the following duplicated key(s): 'timeout'"), "\(duplicate)")
        #expect(error("http: {}\n---\nhttp: {}\n").contains("not valid YAML"), "a second document")
    }

    @Test func nestingIsBounded() {
        // 1,100 nested block mappings: libyaml's nesting limit (1,000 in Yams' copy) keeps the
        // composer's recursion bounded.
        var yaml = ""
        for depth in 0..<1_100 { yaml += String(repeating: " ", count: depth) + "k\(depth):\n" }
        #expect(error(yaml).contains("Maximum nesting level reached"))
    }
}

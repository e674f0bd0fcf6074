import ScrapeCore
import Testing

/// Every plain scalar below resolved, in a JSON body, to the JSON on its right when the
/// config file was read by Yams 6.2.2 (the table was taken from the bodies the `scrape`
/// binary of 2026-12-07 posted to a local server); the reader of our own must agree.
/// YAMLBehaviourTests pins the headline cases; this is the long tail: signs, prefixes,
/// underscores, sexagesimal corners, 64-bit edges, floats' spellings, timestamps,
/// near-misses that stay strings.
@Suite struct YAMLResolutionTests {
    private static let plainScalars: [(yaml: String, json: String)] = [
        (#"true"#, #"true"#),
        (#"yes"#, #"true"#),
        (#"Yes"#, #"true"#),
        (#"TRUE"#, #"true"#),
        (#"on"#, #"true"#),
        (#"off"#, #"false"#),
        (#"tRUE"#, #""tRUE""#),
        (#"No"#, #"false"#),
        (#"NO"#, #"false"#),
        (#"y"#, #""y""#),
        (#"n"#, #""n""#),
        (#"True"#, #"true"#),
        (#"FALSE"#, #"false"#),
        (#"ON"#, #"true"#),
        (#"Off"#, #"false"#),
        (#"~"#, #"null"#),
        (#"null"#, #"null"#),
        (#"Null"#, #"null"#),
        (#"NULL"#, #"null"#),
        (#"nULL"#, #""nULL""#),
        (#"0x1F"#, #"31"#),
        (#"017"#, #"15"#),
        (#"0o17"#, #"15"#),
        (#"0b101"#, #"5"#),
        (#"-0x10"#, #"-16"#),
        (#"1_000"#, #"1000"#),
        (#"1:30"#, #"90"#),
        (#"190:20:30"#, #"685230"#),
        (#"-0"#, #"0"#),
        (#"0o8"#, #""0o8""#),
        (#"0"#, #"0"#),
        (#"00"#, #"0"#),
        (#"+0"#, #"0"#),
        (#"+12"#, #"12"#),
        (#"-12"#, #"-12"#),
        (#"0b"#, #""0b""#),
        (#"0x"#, #""0x""#),
        (#"0b_"#, #"0"#),
        (#"0_"#, #"0"#),
        (#"0x_1"#, #"1"#),
        (#"1__0"#, #"10"#),
        (#"1:60"#, #""1:60""#),
        (#"1:05"#, #"65"#),
        (#"1:5"#, #"65"#),
        (#"0:30"#, #""0:30""#),
        (#"-1:30"#, #"-90"#),
        (#"+1:30"#, #"90"#),
        (#"12e"#, #""12e""#),
        (#"0777"#, #"511"#),
        (#"0o777"#, #"511"#),
        (#"0xFFFFFFFFFFFFFFFF"#, #"18446744073709551615"#),
        (#"9223372036854775807"#, #"9223372036854775807"#),
        (#"9223372036854775808"#, #"9223372036854775808"#),
        (#"-9223372036854775808"#, #"-9223372036854775808"#),
        (#"-9223372036854775809"#, #"-9223372036854775809"#),
        (#"123456789012345678901234567890"#, #"123456789012345678901234567890"#),
        (#"0x1_0000_0000_0000_0000"#, #"18446744073709551616"#),
        (#"0b1111_0000"#, #"240"#),
        (#"-0b101"#, #"-5"#),
        (#"1:2:3:4:5:6:7:8:9:10"#, #"10422207871301350"#),
        (#"+0x1F"#, #"31"#),
        (#"0o"#, #""0o""#),
        (#"0o_"#, #"0"#),
        (#"07_7"#, #"63"#),
        (#"1:1:1"#, #"3661"#),
        (#"08"#, #"8.0"#),
        (#"1.50"#, #"1.50"#),
        (#"1e3"#, #"1e3"#),
        (#"1.0e+3"#, #"1.0e+3"#),
        (#"+1.5"#, #"1.5"#),
        (#".5"#, #"0.5"#),
        (#"1:30.5"#, #"90.5"#),
        (#"1."#, #"1.0"#),
        (#"1.e5"#, #"100000.0"#),
        (#"1e-3"#, #"1e-3"#),
        (#"1E3"#, #"1E3"#),
        (#".5e+3"#, #"500.0"#),
        (#".5e3"#, #"".5e3""#),
        (#"-.5"#, #""-.5""#),
        (#"1_000.5"#, #"1000.5"#),
        (#"09.5"#, #"9.5"#),
        (#"1:30."#, #"90.0"#),
        (#"-1:30.5"#, #"-90.5"#),
        (#"0.0"#, #"0.0"#),
        (#"-0.0"#, #"-0.0"#),
        (#".5_5"#, #"0.55"#),
        (#"1e+"#, #""1e+""#),
        (#"1.5e3_"#, #""1.5e3_""#),
        (#"0.1e-400"#, #"0.1e-400"#),
        (#"1_2.3_4"#, #"12.34"#),
        (#"<<"#, #""<<""#),
        (#"="#, #""=""#),
        (#"2001-12-14"#, #""2001-12-14""#),
        (#"2001-12-14t21:59:43.10-05:00"#, #""2001-12-14t21:59:43.10-05:00""#),
        (#"2001-1-1"#, #""2001-1-1""#),
        (#"2001-12-14T21:59:43Z"#, #""2001-12-14T21:59:43Z""#),
        (#"2001-12-14T21:59:43"#, #""2001-12-14T21:59:43""#),
        (#"2001-12-1T1:00:00+5"#, #""2001-12-1T1:00:00+5""#),
        (#"2001-12-14T21:59:43+05:30"#, #""2001-12-14T21:59:43+05:30""#),
        (#"2001-12-14T21:59:43.5"#, #""2001-12-14T21:59:43.5""#),
        (#"12001-12-14"#, #""12001-12-14""#),
        (#"abc"#, #""abc""#),
        (#"a:b"#, #""a:b""#),
        (#"1,000"#, #""1,000""#),
        (#"0x1G"#, #""0x1G""#),
        (#"-+1"#, #""-+1""#),
        (#"++1"#, #""++1""#),
        (#"1-2"#, #""1-2""#),
        (#".inf_x"#, #"".inf_x""#),
        (#".Inf."#, #"".Inf.""#),
        (#"nan"#, #""nan""#),
        (#"inf"#, #""inf""#),
        (#".NaN_"#, #"".NaN_""#),
    ]

    /// The JSON a login body `{v: VALUE}` (block style) becomes, or the error.
    private func value(_ yaml: String) -> String {
        do {
            let file = try ScrapeConfiguration(yaml: "login:\n  url: https://a.example/\n  json:\n    v: \(yaml)\n  logged_out: {status: 401}\n")
            guard case .json(_, let body, _)? = file.login?.submission else { return "not a JSON login" }
            let text = String(decoding: body.encoded, as: UTF8.self)
            guard text.hasPrefix(#"{"v":"#), text.hasSuffix("}") else { return text }
            return String(text.dropFirst(5).dropLast())
        } catch {
            return "error: \(error.description)"
        }
    }

    @Test(arguments: plainScalars)
    func plainScalarResolvesAsBefore(_ yaml: String, _ json: String) {
        #expect(value(yaml) == json, "\(yaml)")
    }

    @Test func tagsQuotesAndBlocksAsBefore() {
        let cases: [(yaml: String, json: String)] = [
            ("", "null"), ("'true'", #""true""#), (#""1""#, #""1""#), (#""~""#, #""~""#), ("!!str 12", #""12""#),
            (#"!!int "0x1F""#, "31"), ("!!float 1", "1"), ("! 12", #""12""#), ("!custom y", #""y""#), ("!!bool yes", "true"),
            (#"!!bool "no""#, "false"), ("!!null x", "null"), ("!!int 1:30", "90"), ("!!bool maybe", #""maybe""#),
            ("!!int 0x-5", "-5"), ("!!float 0x1p3", "8.0"), ("!!float 1_0.5", "10.5"), ("!!int +0b11", "3"), (#"! "x""#, #""x""#),
            ("!<tag:yaml.org,2002:int> 42", "42"), ("!!str", #""""#), ("!!float 1:30", "90.0"), ("!!int -0o17", "-15"),
            ("!!bool ON", "true"), ("!!int 00017", "15"), ("!!seq [1]", "[1]"), ("!!map {a: 1}", #"{"a":1}"#), (#"!!int "12""#, "12"),
            ("!!timestamp 2001-12-14", #""2001-12-14""#), ("!!binary aGVsbG8=", #""aGVsbG8=""#), (#""\x41\u00e9\t""#, #""Aé\t""#),
            ("'it''s'", #""it's""#), ("plain # comment", #""plain""#), ("[a, [b, {c: ~}]]", #"["a",["b",{"c":null}]]"#),
            ("{=: 401}", #"{"=":401}"#), ("!!int 1_000_000_000_000_000_000_000", "1000000000000000000000"),
        ]
        for (yaml, json) in cases {
            #expect(value(yaml) == json, "\(yaml)")
        }
    }

    @Test func blockScalarsAndFoldedPlainsAreStrings() {
        #expect(value("|\n      12\n") == #""12\n""#)
        #expect(value(">-\n      true\n") == #""true""#)
        #expect(value("multi\n      line\n      plain") == #""multi line plain""#)
    }

    @Test func anchorsAnywhereAreExpanded() {
        #expect(value("[&S [1, two, 3.0], *S, &X 5, *X]") == #"[[1,"two",3.0],[1,"two",3.0],5,5]"#)
        #expect(value("{a: &A {z: 1}, b: *A}") == #"{"a":{"z":1},"b":{"z":1}}"#)
        // A later anchor of the same name wins from there on.
        #expect(value("[&a 1, *a, &a 2, *a]") == "[1,1,2,2]")
    }

    @Test func valuesJSONCannotHoldAreRefusedNamingTheValue() {
        #expect(value("!!float infinity_x").contains(#"a JSON number must be finite, got "infinity_x""#))
        #expect(value(#"!!float "nan""#).contains(#"a JSON number must be finite, got "nan""#))
        #expect(value(".NaN").contains("a JSON number must be finite"))
        #expect(value("-.INF").contains("a JSON number must be finite"))
        #expect(value("1e400").contains("a JSON number must be finite"))
        #expect(value("!!int abc").contains(#"an integer this large must be written in decimal, hex, octal or binary, got "abc""#))
        // Sexagesimal beyond 64 bits: an error naming it, where Yams' reader trapped on the overflow.
        #expect(value("1:0:0:0:0:0:0:0:0:0:0:0").contains("an integer this large"))
    }
}

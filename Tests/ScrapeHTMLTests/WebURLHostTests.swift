@testable import ScrapeHTML
import Testing

/// The host parser: domains (ASCII, percent-encoded, IDNA), IPv4 in every spelling the
/// standard accepts, IPv6 with compression, opaque hosts; and Punycode on RFC 3492's own
/// samples.
struct WebURLHostTests {
    /// `http://HOST/` gives `hostname` EXPECTED (nil: failure).
    @Test(arguments: [
        // Domains: lowercased; forbidden domain code points fail.
        ("Example.COM", "example.com"),
        ("a.b.c.", "a.b.c."),
        ("%41%42.com", "ab.com"),
        ("%zz.com", nil),
        ("a b", nil),
        ("a<b", nil),
        ("a%00b", nil),
        ("a|b", nil),
        ("a^b", nil),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        // IDNA: case folding, full-width forms, ideographic full stops, ignored code points.
        ("Bücher.example", "xn--bcher-kva.example"),
        ("ÄÖÜ.de", "xn--4ca0bs.de"),
        ("faß.de", "xn--fa-hia.de"),
        ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
        ("ＥＸＡＭＰＬＥ．com", "example.com"),
        ("example。com", "example.com"),
        ("exa\u{AD}mple.com", "example.com"),
        ("%C3%BC.com", "xn--tda.com"),
        ("u\u{308}.com", "xn--tda.com"),
        ("=\u{338}", "xn--1ch"),
        ("%FF.com", nil),
        ("xn--te\u{161}la.com", nil),
        ("\u{301}a.com", nil),
        ("a\u{200D}b.com", nil),
        ("\u{64A}a.com", nil),
        ("\u{2488}.com", nil),
        // IPv4: decimal, hex, octal parts, fewer than four parts, a trailing dot.
        ("127.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
        ("1.2.3.4.", "1.2.3.4"),
        ("192.168.257", "192.168.1.1"),
        ("0x", "0.0.0.0"),
        ("%31%32%37.0.0.1", "127.0.0.1"),
        ("１２７.0.0.1", "127.0.0.1"),
        ("4294967295", "255.255.255.255"),
        ("4294967296", nil),
        ("1.2.3.256", nil),
        ("256.1.1.1", nil),
        ("1.2.3.4.5", nil),
        ("09.1.1.1", nil),
        ("foo.09", nil),
        ("foo.0x", nil),
        ("1.2.3.a", "1.2.3.a"),
        ("0x7g.1", nil),
        ("a.0x7g", "a.0x7g"),
        ("1.2..3", nil),
        // IPv6: compression, embedded IPv4, serialized as RFC 5952 says.
        ("[::1]", "[::1]"),
        ("[0:0:0:0:0:0:0:1]", "[::1]"),
        ("[2001:DB8:0:0:1:0:0:1]", "[2001:db8::1:0:0:1]"),
        ("[1:0:0:2:0:0:0:3]", "[1:0:0:2::3]"),
        ("[1::]", "[1::]"),
        ("[::]", "[::]"),
        ("[0:0:0:0:0:0:13.1.68.3]", "[::d01:4403]"),
        ("[::ffff:192.0.2.1]", "[::ffff:c000:201]"),
        ("[1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:7:8]"),
        ("[0001:0002::0a]", "[1:2::a]"),
        ("[1::2::3]", nil),
        ("[1:2:3:4:5:6:7:8:9]", nil),
        ("[1:2:3:4:5:6:7]", nil),
        ("[::1.2.3]", nil),
        ("[::1.2.3.04]", nil),
        ("[::1.2.3.256]", nil),
        ("[12345::]", nil),
        ("[:1]", nil),
        ("[1:]", nil),
        ("[::1", nil),
        ("[g::]", nil),
    ] as [(String, String?)])
    func specialHost(_ host: String, _ expected: String?) {
        #expect(WebURL("http://\(host)/")?.hostname == expected)
    }

    /// Hosts of schemes that are not special: kept as written (C0 controls and non-ASCII
    /// percent-encoded), IPv6 still parsed, forbidden host code points fail.
    @Test(arguments: [
        ("Ex%41mple.COM", "Ex%41mple.COM"),
        ("b\u{fc}cher", "b%C3%BCcher"),
        ("a\u{1}b", "a%01b"),
        ("[::1]", "[::1]"),
        ("1.2.3.4.5", "1.2.3.4.5"),
        ("0x7f.1", "0x7f.1"),
        ("a<b", nil),
        ("a%b", "a%b"),
        ("a|b", nil),
        ("[::1", nil),
    ] as [(String, String?)])
    func opaqueHost(_ host: String, _ expected: String?) {
        #expect(WebURL("sc://\(host)/")?.hostname == expected)
    }

    /// RFC 3492 section 7.1's samples (lowercased, as domain labels are).
    @Test(arguments: [
        ("\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}", "egbpdaj6bu4bxfgehfvwxn"),
        ("\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}", "ihqwcrb4cv8a8dqg056pqjye"),
        ("pročprostěnemluvíčesky", "proprostnemluvesky-uyb24dma41a"),
        ("\u{306A}\u{305C}\u{307F}\u{3093}\u{306A}\u{65E5}\u{672C}\u{8A9E}\u{3092}\u{8A71}\u{3057}\u{3066}\u{304F}\u{308C}\u{306A}\u{3044}\u{306E}\u{304B}", "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"),
        ("3年b組金八先生", "3b-ww4c5e180e575a65lsy2b"),
        ("bücher", "bcher-kva"),
    ])
    func punycodeRoundTrips(_ label: String, _ encoded: String) {
        var output: [UInt8] = []
        #expect(Punycode.encode(Array(label.unicodeScalars), to: &output))
        #expect(String(decoding: output, as: UTF8.self) == encoded)
        #expect(Punycode.decode(ArraySlice(Array(encoded.utf8))).map { String(String.UnicodeScalarView($0)) } == label)
    }

    /// A hostile link with a huge non-ASCII host fails fast instead of taking quadratic
    /// Punycode time.
    @Test func aHugeNonASCIIHostFails() {
        let label = String(String.UnicodeScalarView((0..<200_000).map { Unicode.Scalar(0x4E00 + UInt32($0 % 20_000))! }))
        #expect(WebURL("http://\(label).com/") == nil)
        #expect(WebURL("http://\(String(repeating: "ü", count: 1024)).com/") != nil)
    }

    @Test func punycodeRejectsWhatIsNotPunycode() {
        #expect(Punycode.decode(ArraySlice(Array("a\u{80}".utf8))) == nil)
        #expect(Punycode.decode(ArraySlice(Array("99999999999".utf8))) == nil)
        #expect(Punycode.decode(ArraySlice(Array("a-!".utf8))) == nil)
    }
}

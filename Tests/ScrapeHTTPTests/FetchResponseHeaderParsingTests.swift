@testable import ScrapeHTTP
import Testing

/// Parsing of the raw header block curl hands over, and the header list itself.
struct FetchResponseHeaderParsingTests {
    @Test func parsesFieldsInOrderAndSkipsTheStatusLine() {
        let block = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: a=1\r\nset-cookie:b=2\r\n\r\n"
        let headers = FetchResponse.parseHeaderBlock(Array(block.utf8))
        #expect(headers.count == 3)
        #expect(headers.fields.map(\.name) == ["Content-Type", "Set-Cookie", "set-cookie"])
        #expect(headers["SET-COOKIE"] == ["a=1", "b=2"])
        #expect(headers.first(name: "content-type") == "text/html")
    }

    @Test func trimsOptionalWhitespaceAndKeepsInnerSpaces() {
        let headers = FetchResponse.parseHeaderBlock(Array("HTTP/2 200\r\nX-A: \t one  two \t\r\n".utf8))
        #expect(headers.first(name: "x-a") == "one  two")
    }

    @Test func joinsObsoleteFoldedLines() {
        let headers = FetchResponse.parseHeaderBlock(Array("HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\n\tc\r\nY: d\r\n".utf8))
        #expect(headers.first(name: "X-Long") == "a b c")
        #expect(headers.first(name: "Y") == "d")
    }

    @Test func toleratesBareLineFeedsAndJunk() {
        let headers = FetchResponse.parseHeaderBlock(Array("HTTP/1.0 200 OK\nA: 1\nno colon here\nB:\n".utf8))
        #expect(headers.fields.map(\.name) == ["A", "B"])
        #expect(headers.first(name: "B") == "")
    }

    @Test func invalidUTF8DoesNotCrash() {
        let headers = FetchResponse.parseHeaderBlock([0x58, 0x3A, 0x20, 0xFF, 0xFE, 0x0D, 0x0A])
        #expect(headers.first(name: "X") == "\u{FFFD}\u{FFFD}")
    }

    @Test func headerListEditing() {
        var headers: HTTPHeaders = ["Accept": "a", "X": "1"]
        headers.add(name: "x", value: "2")
        #expect(headers["X"] == ["1", "2"])
        headers.replaceOrAdd(name: "X", value: "3")
        #expect(headers["x"] == ["3"])
        headers.remove(name: "ACCEPT")
        #expect(!headers.contains(name: "accept"))
        #expect(headers == HTTPHeaders([(name: "X", value: "3")]))
    }
}

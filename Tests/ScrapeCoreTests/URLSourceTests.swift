import Foundation
import ScrapeCore
import Testing

/// Reading the URL list line by line.
struct URLSourceTests {
    private func lines(of contents: [UInt8]) async throws -> [URLSource.Line] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("urls-\(UUID().uuidString).txt").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(contents))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = try URLSource(path: path)
        var result: [URLSource.Line] = []
        while let line = try await source.next() { result.append(line) }
        return result
    }

    @Test func skipsBlankAndCommentLinesAndTrims() async throws {
        let text = "# header\n\nhttp://a/1\r\n   \n  http://a/2  \n\t# indented comment\nhttp://a/3"
        let lines = try await lines(of: Array(text.utf8))
        #expect(lines.map(\.text) == ["http://a/1", "http://a/2", "http://a/3"])
        #expect(lines.map(\.number) == [3, 5, 7])
    }

    @Test func readsAcrossChunkBoundaries() async throws {
        let urls = (0..<20_000).map { "http://host\($0 % 7).test/page/\($0)" }
        let lines = try await lines(of: Array((urls.joined(separator: "\n") + "\n").utf8))
        #expect(lines.map(\.text) == urls)
    }

    @Test func enormousLineIsCutNotFatal() async throws {
        let huge = "http://a/" + String(repeating: "x", count: 3 * 1024 * 1024)
        let lines = try await lines(of: Array((huge + "\nhttp://b/\n").utf8))
        #expect(lines.count == 2)
        #expect(lines[0].text.utf8.count == 1024 * 1024)
        #expect(lines[0].isCut)
        #expect(lines[0].byteCount == huge.utf8.count)
        #expect(!lines[1].isCut)
        #expect(lines[1].text == "http://b/")
    }

    @Test func byteOrderMarkIsNotPartOfTheFirstURL() async throws {
        let lines = try await lines(of: [0xEF, 0xBB, 0xBF] + Array("http://a/1\nhttp://a/2\n".utf8))
        #expect(lines.map(\.text) == ["http://a/1", "http://a/2"])
        #expect(try await self.lines(of: [0xEF, 0xBB, 0xBF]).isEmpty)
    }

    @Test func invalidUTF8IsReplacedNotFatal() async throws {
        let lines = try await lines(of: [0x68, 0xFF, 0x0A])
        #expect(lines.map(\.text) == ["h\u{FFFD}"])
    }

    @Test func missingFileNamesThePath() {
        do {
            _ = try URLSource(path: "/nonexistent/urls.txt")
            Issue.record("no error")
        } catch {
            #expect(error.description == "cannot read /nonexistent/urls.txt: No such file or directory")
        }
    }
}

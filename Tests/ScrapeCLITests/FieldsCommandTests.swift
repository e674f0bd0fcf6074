import Foundation
import Glibc
import ScrapeTestSupport
import Testing

/// `--field`, `--metadata`, config `fields:`, `check-config` and `scrape extract`, from the
/// built binary as a user runs it (issue 26).
@Suite(.timeLimit(.minutes(2)))
struct FieldsCommandTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func scrape(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess(Self.binary, arguments, stdinPath: "/dev/null").wait()
    }

    /// A bad field is a usage error before anything is fetched: exit 2, the field and
    /// the place in its selector named, no record, no request.
    @Test(arguments: [
        (["--field", "title=h1", "--field", "bad=div::nope"], "--field: field 'bad': 'div::nope': "),
        (["--field", "bad=p[", "--field", "title=h1"], "--field: field 'bad': 'p[': "),
        (["--field", "x=xpath://[", "--field", "title=h1"], "--field: field 'x': '//[': "),
        (["--field", "h2=h2", "--field", "h2[]=h2.x"], "--field: field 'h2': given twice"),
        (["--field", "title"], "--field: field 'title': expected NAME=SPEC (css:SELECTOR, SELECTOR or xpath:EXPRESSION)"),
        (["--field", "=h1"], "--field: field '=h1': the NAME before '=' is empty"),
    ])
    func badFieldsExitTwoBeforeAnythingIsFetched(flags: [String], message: String) async throws {
        try await TestServer.withRunning { server in
            let input = try TemporaryFiles.urlList([server.url("/fields/product")])
            defer { unlink(input) }
            let result = try await scrape([input, "--ignore-robots", "--quiet"] + flags)
            #expect(result.status == 2)
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(server.log.count(prefix: "/") == 0)
        }
    }

    @Test func aSelectorErrorSaysWhereTheFaultIs() async throws {
        let result = try await scrape(["-", "--field", "price=.price::atr(x)"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("field 'price': '.price::atr(x)': "), "\(result.stderr)")
        #expect(result.stderr.contains(" at offset "), "\(result.stderr)")
    }

    @Test func fieldsAndMetadataFromTheCommandLine() async throws {
        try await TestServer.withRunning { server in
            let input = try TemporaryFiles.urlList([server.url("/fields/product"), server.url("/get")])
            defer { unlink(input) }
            let result = try await scrape([
                input, "--ignore-robots", "--quiet", "--metadata", "--field", "h1=h1", "--field", "h2[]=h2", "--field", "next=a.next::url(href)",
                "--field", "n=xpath:count(//a)",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let records = try TemporaryFiles.records(result.stdout)
            let page = try #require(records.first { $0["url"] as? String == server.url("/fields/product") })
            let fields = try #require(page["fields"] as? [String: Any])
            #expect(fields["h1"] as? String == "Blue Widget")
            #expect(fields["h2"] as? [String] == ["Specs", "Reviews"])
            #expect(fields["next"] as? String == server.url("/p/2"))
            #expect(fields["n"] as? Int == 3)
            #expect((page["metadata"] as? [String: Any])?["canonical"] as? String == "https://shop.test/p/1")
            let text = try #require(records.first { $0["url"] as? String == server.url("/get") })
            #expect(text["fields"] is NSNull)
            #expect(result.stdout.contains(#""title":"Blue Widget","fields":{"h1":"Blue Widget","h2":["Specs","Reviews"],"#))
        }
    }

    /// `--resume` (and `--retry-failed`) read back an output whose records hold nested
    /// fields and metadata, cut mid-record as a killed run leaves it.
    @Test func resumeReadsBackRecordsWithFields() async throws {
        try await TestServer.withRunning { server in
            let urls = (0..<4).map { server.url("/fields/product?n=\($0)") } + [server.url("/always/503")]
            let input = try TemporaryFiles.urlList(urls)
            let output = TemporaryFiles.path("out.jsonl")
            defer { unlink(input); unlink(output) }
            let flags = ["--ignore-robots", "--quiet", "--retries", "0", "--metadata", "--field", "h1=h1", "--field", "links[]=a::url(href)"]
            let first = try await scrape([input, "-o", output] + flags)
            #expect(first.status == 0, "\(first.stderr)")
            let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.count == 5)
            let kept = lines.filter { !$0.contains("/always/503") }.prefix(2)
            try (kept.joined(separator: "\n") + "\n" + lines.first { $0.contains("/always/503") }! + "\n" + kept.first!.prefix(80))
                .write(toFile: output, atomically: true, encoding: .utf8)
            let before = server.log.count(prefix: "/")
            let resumed = try await scrape([input, "-o", output, "--resume", "--retry-failed"] + flags)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let records = try TemporaryFiles.records(try String(contentsOfFile: output, encoding: .utf8))
            #expect(records.count == 5)
            #expect(Set(records.compactMap { $0["url"] as? String }) == Set(urls))
            #expect(server.log.count(prefix: "/") - before == 3)  // two pages not kept, the 503 again
            let pages = records.filter { ($0["url"] as? String)?.contains("/fields/") == true }
            #expect(pages.count == 4 && pages.allSatisfy { ($0["fields"] as? [String: Any])?["h1"] as? String == "Blue Widget" && $0["metadata"] is [String: Any] })
            #expect(records.first { ($0["url"] as? String)?.contains("/always/503") == true }?["fields"] is NSNull)  // a text/plain 503
        }
    }

    @Test func configFieldsWithAFlagReplacingOne() async throws {
        try await TestServer.withRunning { server in
            let input = try TemporaryFiles.urlList([server.url("/fields/product")])
            let config = try TemporaryFiles.file("scrape.yaml", """
                http:
                  robots_txt: ignore
                fields:
                  h1: h1
                  heading: "#name"
                  "links[]": a::attr(href)
                metadata: true
                """)
            defer { unlink(input); unlink(config) }
            let result = try await scrape([input, "--quiet", "--config", config, "--field", "h1=h2", "--field", "extra=xpath:string(//h2)"])
            #expect(result.status == 0, "\(result.stderr)")
            let page = try #require(try TemporaryFiles.records(result.stdout).first)
            #expect(result.stdout.contains(#""fields":{"h1":"Specs","heading":"Blue Widget","links":["/p/2","other.html?q=é"],"extra":"Specs"}"#), "\(result.stdout)")
            #expect(page["metadata"] is [String: Any])
        }
    }

    @Test func aBadFieldInTheConfigFileNamesItsKeyAndLine() async throws {
        try await TestServer.withRunning { server in
            let input = try TemporaryFiles.urlList([server.url("/fields/product")])
            let config = try TemporaryFiles.file("scrape.yaml", "fields:\n  h1: h1\n  bad: \"div::nope\"\n")
            defer { unlink(input); unlink(config) }
            let result = try await scrape([input, "--quiet", "--config", config])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(config): line 3: fields.bad: field 'bad': 'div::nope': "), "\(result.stderr)")
            #expect(server.log.count(prefix: "/") == 0)
        }
    }

    @Test func checkConfigChecksFields() async throws {
        let config = try TemporaryFiles.file("scrape.yaml", "fields:\n  - h1=h1\n  - \"links[]=a::url(href)\"\nmetadata: true\n")
        defer { unlink(config) }
        let good = try await scrape(["check-config", config])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("fields: h1, links[] (metadata: true)"), "\(good.stdout)")
        try "fields:\n  - h1=h1\n  - \"x=xpath://[\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try await scrape(["check-config", config])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("line 3: fields[1]: field 'x': '//[': "), "\(bad.stderr)")
        try "jobs:\n  - name: j\n    scrape:\n      urls_file: u.txt\n      fields:\n        p: \"p[\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let job = try await scrape(["check-config", config])
        #expect(job.status == 2)
        #expect(job.stderr.contains("line 6: jobs[0].scrape.fields.p: field 'p': 'p[': "), "\(job.stderr)")
    }

    @Test func extractWritesOneRecordPerFile() async throws {
        try await TemporaryFiles.withDirectory { directory in
            let product = directory + "/saved product.html"
            let based = directory + "/based.html"
            try FieldPages.product.write(toFile: product, atomically: true, encoding: .utf8)
            try FieldPages.based.write(toFile: based, atomically: true, encoding: .utf8)
            let missing = directory + "/missing.html"
            let output = directory + "/out.jsonl"
            let result = try await scrape([
                "extract", product, missing, based, directory, "--field", "h1=h1", "--field", "links[]=a::url(href)", "-o", output,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.isEmpty)
            let text = try String(contentsOfFile: output, encoding: .utf8)
            let records = try TemporaryFiles.records(text)
            #expect(records.map { $0["file"] as? String } == [product, missing, based, directory])
            #expect(records[0]["url"] as? String == "file://" + directory + "/saved%20product.html")
            #expect(records[0]["title"] as? String == "Blue Widget")
            #expect(records[0]["error"] is NSNull)
            let fields = try #require(records[0]["fields"] as? [String: Any])
            #expect(fields["h1"] as? String == "Blue Widget")
            #expect(fields["links"] as? [String] == ["file:///p/2", "file://" + directory + "/other.html?q=%C3%A9"])
            #expect((records[2]["fields"] as? [String: Any])?["links"] as? [String] == ["https://elsewhere.test/dir/x?y=1"])
            // The file's bytes hashed as a fetched body is: coreutils' sha256sum agrees.
            let sum = try await ChildProcess("/usr/bin/sha256sum", [product]).wait(timeout: .seconds(10))
            #expect(records[0]["content_sha256"] as? String == String(sum.stdout.prefix(64)))
            #expect(records[0]["etag"] == nil, "a file has no validators")
            for unreadable in [records[1], records[3]] {
                #expect(unreadable["content_sha256"] is NSNull)
                #expect((unreadable["error"] as? [String: Any])?["kind"] as? String == "read")
                #expect(unreadable["title"] is NSNull)
                #expect(unreadable["fields"] is NSNull)
            }
            #expect(((records[1]["error"] as? [String: Any])?["message"] as? String) == "No such file or directory")
            #expect(((records[3]["error"] as? [String: Any])?["message"] as? String) == "Is a directory")
            #expect(text.split(separator: "\n").first?.hasPrefix(#"{"file":""#) == true)
            #expect(text.contains(#""title":"Blue Widget","fields":{"h1":"Blue Widget","links":["#))
            #expect(!text.contains("metadata"))
        }
    }

    @Test func extractWithBaseURLMetadataAndCharset() async throws {
        try await TemporaryFiles.withDirectory { directory in
            let page = directory + "/latin.html"
            // windows-1252 bytes with no declaration: --charset says what they are.
            let bytes: [UInt8] = Array("<!doctype html><title>caf".utf8) + [0xE9] + Array("</title><a href=\"next\">n</a><meta property=\"og:title\" content=\"x\">".utf8)
            try Data(bytes).write(to: URL(fileURLWithPath: page))
            let result = try await scrape([
                "extract", page, "--field", "next=a::url(href)", "--metadata", "--base-url", "https://shop.test/a/b", "--charset", "windows-1252",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let record = try #require(try TemporaryFiles.records(result.stdout).first)
            #expect(record["url"] as? String == "https://shop.test/a/b")
            #expect(record["title"] as? String == "café")
            #expect((record["fields"] as? [String: Any])?["next"] as? String == "https://shop.test/a/next")
            #expect(((record["metadata"] as? [String: Any])?["opengraph"] as? [String: Any])?["og:title"] as? String == "x")
            #expect(result.stdout.contains(#""metadata":{"json_ld":[],"opengraph":{"og:title":"x"},"twitter":{},"meta":{},"canonical":null},"error":null,"content_sha256":"#), "\(result.stdout)")
        }
    }

    /// `--files-from LIST` (one path per line, blank lines skipped) adds to the arguments,
    /// in order: the way to give thousands of files.
    @Test func extractReadsAFileList() async throws {
        try await TemporaryFiles.withDirectory { directory in
            let product = directory + "/product.html"
            let based = directory + "/based.html"
            try FieldPages.product.write(toFile: product, atomically: true, encoding: .utf8)
            try FieldPages.based.write(toFile: based, atomically: true, encoding: .utf8)
            let list = directory + "/files.txt"
            try "\(based)\n\n\(product)\n".write(toFile: list, atomically: true, encoding: .utf8)
            let result = try await scrape(["extract", product, "--files-from", list, "--field", "h1=h1"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try TemporaryFiles.records(result.stdout).map { $0["file"] as? String } == [product, based, product])
            let none = try await scrape(["extract", "--field", "h1=h1"])
            #expect(none.status == 2)
            #expect(none.stderr.contains("--files-from"), "\(none.stderr)")
        }
    }

    /// A `--base-url` that does not parse would leave every `::url` unresolved: a usage error.
    @Test func extractRefusesABaseURLThatDoesNotParse() async throws {
        let output = TemporaryFiles.path("out.jsonl")
        let result = try await scrape(["extract", "/nonexistent.html", "--field", "u=a::url(href)", "--base-url", "not a url", "-o", output])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--base-url: 'not a url' is not an absolute URL"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func extractRefusesABadFieldAndWritesNothing() async throws {
        let output = TemporaryFiles.path("out.jsonl")
        let result = try await scrape(["extract", "/nonexistent.html", "--field", "bad=p[", "-o", output])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--field: field 'bad': 'p[': "), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}

import Foundation
import Glibc
import ScrapeTestSupport
import Testing

/// `scrape run --since` and `scrape crawl --since` from the built binary against nginx
/// serving static files, which derives `ETag` and `Last-Modified` from each file's size and
/// modification time and answers conditional requests itself (issue 28).
@Suite(.timeLimit(.minutes(3)))
struct SinceRunTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func scrape(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess(Self.binary, arguments).wait(timeout: .seconds(120))
    }

    private func recordsByURL(_ path: String) throws -> [String: [String: Any]] {
        var byURL: [String: [String: Any]] = [:]
        for record in try TemporaryFiles.records(try String(contentsOfFile: path, encoding: .utf8)) {
            let url = try #require(record["url"] as? String)
            #expect(byURL[url] == nil, "\(url) recorded twice")
            byURL[url] = record
        }
        return byURL
    }

    private static func page(_ title: String, links: [String] = []) -> String {
        "<!doctype html><title>\(title)</title>" + links.map { "<a href=\"\($0)\">\($0)</a>" }.joined()
    }

    /// Rewrites a served file with new content and a modification time a minute on, so
    /// nginx's validators change even within the same second.
    private func rewrite(_ nginx: NginxServer, _ name: String, _ content: String) throws {
        let path = nginx.root + "/" + name
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: path)
    }

    private func sha256sum(_ path: String) async throws -> String {
        String(try await ChildProcess("/usr/bin/sha256sum", [path]).wait(timeout: .seconds(10)).stdout.prefix(64))
    }

    @Test func aSecondRunGets304sExceptForTheTwoRewrittenFiles() async throws {
        let names = (1...6).map { "p\($0).html" }
        let nginx = try await NginxServer.start(files: Dictionary(uniqueKeysWithValues: names.map { ($0, Self.page("Page \($0)")) }), plainHTTP: true)
        defer { nginx.stop() }
        let base = try #require(nginx.httpBaseURL)
        try await TemporaryFiles.withDirectory { directory in
            let list = directory + "/urls.txt"
            try names.map { base + "/" + $0 }.joined(separator: "\n").write(toFile: list, atomically: true, encoding: .utf8)
            let old = directory + "/old.jsonl"
            let first = try await scrape(["run", list, "-o", old, "--quiet"])
            #expect(first.status == 0, "\(first.stderr)")
            let before = try recordsByURL(old)
            for name in names {
                let record = try #require(before[base + "/" + name])
                #expect((record["etag"] as? String)?.hasPrefix("\"") == true, "nginx's strong ETag: \(record)")
                #expect((record["last_modified"] as? String)?.hasSuffix(" GMT") == true)
                #expect(record["not_modified"] == nil)
            }
            try rewrite(nginx, "p2.html", Self.page("Page p2.html, rewritten"))
            try rewrite(nginx, "p5.html", Self.page("Page p5.html, rewritten too"))

            let new = directory + "/new.jsonl"
            let second = try await scrape(["run", list, "-o", new, "--since", old])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stderr.contains("since \(old): 4 not modified (304), 2 changed, 0 unchanged"), "\(second.stderr)")
            let after = try recordsByURL(new)
            #expect(after.count == 6)
            for name in names {
                let record = try #require(after[base + "/" + name])
                let earlier = try #require(before[base + "/" + name])
                if name == "p2.html" || name == "p5.html" {
                    #expect(record["status"] as? Int == 200)
                    #expect(record["not_modified"] as? Bool == false)
                    #expect(record["changed"] as? Bool == true)
                    #expect((record["title"] as? String)?.contains("rewritten") == true)
                    #expect(record["content_sha256"] as? String == (try await sha256sum(nginx.root + "/" + name)))
                    #expect(record["etag"] as? String != earlier["etag"] as? String)
                } else {
                    #expect(record["status"] as? Int == 304, "\(name): \(record)")
                    #expect(record["not_modified"] as? Bool == true)
                    #expect(record["changed"] as? Bool == false)
                    #expect(record["title"] as? String == "Page \(name)")
                    #expect(record["error"] is NSNull)
                    for key in ["etag", "last_modified", "content_sha256", "content_type"] {
                        #expect(record[key] as? String == earlier[key] as? String, "\(key) of \(name)")
                    }
                    #expect(record["content_sha256"] as? String == (try await sha256sum(nginx.root + "/" + name)))
                }
            }
        }
    }

    /// A crawl with `--since` reaches the whole site again although most pages answer 304:
    /// an unchanged page leads on to the pages the earlier crawl reached through it.
    @Test func aCrawlGoesOnThroughUnchangedPages() async throws {
        let site = [
            "index.html": Self.page("Index", links: ["a.html", "b.html"]),
            "a.html": Self.page("A", links: ["c.html"]),
            "b.html": Self.page("B", links: ["d.html", "a.html"]),
            "c.html": Self.page("C"),
            "d.html": Self.page("D"),
        ]
        let nginx = try await NginxServer.start(files: site, plainHTTP: true)
        defer { nginx.stop() }
        let base = try #require(nginx.httpBaseURL)
        try await TemporaryFiles.withDirectory { directory in
            let old = directory + "/old.jsonl"
            let first = try await scrape(["crawl", base + "/index.html", "-o", old, "--quiet"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(Set(try recordsByURL(old).keys) == Set(site.keys.map { base + "/" + $0 }))
            try rewrite(nginx, "c.html", Self.page("C, rewritten"))

            let new = directory + "/new.jsonl"
            let second = try await scrape(["crawl", base + "/index.html", "-o", new, "--since", old, "--quiet"])
            #expect(second.status == 0, "\(second.stderr)")
            let records = try recordsByURL(new)
            #expect(Set(records.keys) == Set(site.keys.map { base + "/" + $0 }))
            for name in ["index.html", "a.html", "b.html", "d.html"] {
                #expect(records[base + "/" + name]?["status"] as? Int == 304, "\(name)")
                #expect(records[base + "/" + name]?["changed"] as? Bool == false)
            }
            let c = try #require(records[base + "/c.html"])
            #expect(c["status"] as? Int == 200)
            #expect(c["changed"] as? Bool == true)
            #expect(c["title"] as? String == "C, rewritten")
            #expect(c["depth"] as? Int == 2)
            #expect(c["referrer"] as? String == base + "/a.html")
            #expect(records[base + "/d.html"]?["referrer"] as? String == base + "/b.html")
        }
    }

    /// `-o` naming the `--since` file (also through a symlink) is refused before anything
    /// changes; so are a file that is not our records (naming its line) and a missing one.
    @Test func theSinceFileIsCheckedBeforeAnythingIsWritten() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { directory in
                let list = directory + "/urls.txt"
                try (server.url("/revisit/weak/x") + "\n").write(toFile: list, atomically: true, encoding: .utf8)
                let old = directory + "/old.jsonl"
                #expect(try await scrape(["run", list, "-o", old, "--quiet"]).status == 0)
                let contents = try String(contentsOfFile: old, encoding: .utf8)
                let link = directory + "/link.jsonl"
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: old)
                for output in [old, link] {
                    let same = try await scrape(["run", list, "-o", output, "--since", old])
                    #expect(same.status == 2)
                    #expect(same.stderr.contains("--since \(old): -o \(output) is this file"), "\(same.stderr)")
                    let crawl = try await scrape(["crawl", server.url("/revisit/weak/x"), "-o", output, "--since", old])
                    #expect(crawl.status == 2, "\(crawl.stderr)")
                }
                #expect(try String(contentsOfFile: old, encoding: .utf8) == contents)

                let bad = directory + "/bad.jsonl"
                try (contents + "# a note\n" + contents).write(toFile: bad, atomically: true, encoding: .utf8)
                let new = directory + "/new.jsonl"
                let refused = try await scrape(["run", list, "-o", new, "--since", bad])
                #expect(refused.status == 2)
                #expect(refused.stderr.contains("--since \(bad): line 2 is not a scrape record"), "\(refused.stderr)")
                #expect(!FileManager.default.fileExists(atPath: new), "the output is not touched")
                let missing = try await scrape(["run", list, "-o", new, "--since", directory + "/none.jsonl"])
                #expect(missing.status == 2)
                #expect(missing.stderr.contains("No such file or directory"), "\(missing.stderr)")
            }
        }
    }
}

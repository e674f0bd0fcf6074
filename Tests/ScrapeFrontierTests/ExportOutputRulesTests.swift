import Foundation
import ScrapeTestSupport
import Testing

/// `scrape frontier export -o` held to the output rules every command keeps
/// (``OutputRules``): through a symlink, into a FIFO, onto /dev/full, onto a disk that
/// fills. Export replaces a regular file whole, so a failure leaves the old file as it was.
@Suite struct ExportOutputRulesTests {
    /// Runs `body` with an export writer over a job of 400 finished URLs.
    private func withExport(_ body: (OutputRules.Writer) async throws -> Void) async throws {
        let harness = try await FrontierHarness.make("export_rules")
        defer { Task { await harness.close() } }
        // Lines that are not URLs: records without a request, ~60 bytes each.
        try await harness.add((0..<400).map { "not a url \($0)" })
        _ = try await harness.work(FrontierHarness.options("w"))
        let url = harness.url
        try await body { output in
            try await ChildProcess(ChildProcess.builtProduct("scrape"), ["frontier", "export", "--db", url, "--job", "crawl", "-o", output])
                .wait(timeout: .seconds(60))
        }
    }

    @Test func exportKeepsTheOutputRules() async throws {
        try await withExport { writer in
            #expect(try await OutputRules.writesThroughSymlink(writer) == [])
            #expect(try await OutputRules.writesIntoFIFO(writer) == [])
            #expect(try await OutputRules.reportsAFullDevice(writer) == [])
            let fullDisk = try await OutputRules.survivesAFullDisk(writer, shape: .leavesOldFile)
            try #require(fullDisk != nil, "mounting a tmpfs needs root (CI and make test run as root)")
            #expect(fullDisk == [])
        }
    }
}

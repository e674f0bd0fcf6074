import Foundation
import ScrapeTestSupport
import Testing

/// systemd's analyzer, when this machine has it.
private let systemdAnalyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// `systemd/scrape.service` as systemd's own tools judge it.
@Suite(.enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed (Debian package systemd); unit checks skipped"))
struct SystemdUnitTests {
    /// The unit with `ExecStart` pointing at the freshly built binary (verify checks it exists).
    private func unitCopy() throws -> (path: String, cleanUp: () -> Void) {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let unit = try String(contentsOf: repository.appendingPathComponent("systemd/scrape.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/scrape daemon --config /etc/scrape/scrape.yaml"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("scrape.service").path
        try unit.replacingOccurrences(of: "/usr/local/bin/scrape", with: ChildProcess.builtProduct("scrape")).write(toFile: path, atomically: true, encoding: .utf8)
        return (path, { try? FileManager.default.removeItem(at: folder) })
    }

    @Test func verifyIsClean() async throws {
        let (path, cleanUp) = try unitCopy()
        defer { cleanUp() }
        let result = try await ChildProcess(try #require(systemdAnalyze), ["verify", path]).wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func securityExposureIsOK() async throws {
        let (path, cleanUp) = try unitCopy()
        defer { cleanUp() }
        let result = try await ChildProcess(try #require(systemdAnalyze), ["security", "--offline=true", "--no-pager", path]).wait()
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(result.stdout)\(result.stderr)")
        let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first, "\(line)")
        #expect(score <= 1.5, "\(line)")
    }
}

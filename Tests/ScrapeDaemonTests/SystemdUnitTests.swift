import Foundation
import ScrapeTestSupport
import Testing

/// systemd's analyzer, when this machine has it.
private let systemdAnalyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// `systemd/scrape.service` and the fleet worker's template `systemd/scrape-worker@.service`
/// as systemd's own tools judge them.
@Suite(.enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed (Debian package systemd); unit checks skipped"))
struct SystemdUnitTests {
    /// The units, each as installed (a template as an instance) and the command it must run.
    static let units = [
        (file: "scrape.service", installedAs: "scrape.service", command: "ExecStart=/usr/local/bin/scrape daemon --config /etc/scrape/scrape.yaml"),
        (file: "scrape-worker@.service", installedAs: "scrape-worker@news.service", command: "ExecStart=/usr/local/bin/scrape frontier work --job %i"),
    ]

    /// The unit with `ExecStart` pointing at the freshly built binary (verify checks it
    /// exists) and, for the worker, an environment file where the unit expects one.
    private func unitCopy(_ index: Int) throws -> (path: String, cleanUp: () -> Void) {
        let (file, installedAs, command) = Self.units[index]
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let unit = try String(contentsOf: repository.appendingPathComponent("systemd/" + file), encoding: .utf8)
        #expect(unit.contains(command))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let environment = folder.appendingPathComponent("frontier.env").path
        try "SCRAPE_DATABASE_URL=postgres://scrape@127.0.0.1/crawl\n".write(toFile: environment, atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent(installedAs).path
        try unit.replacingOccurrences(of: "/usr/local/bin/scrape", with: ChildProcess.builtProduct("scrape"))
            .replacingOccurrences(of: "/etc/scrape/frontier.env", with: environment)
            .write(toFile: path, atomically: true, encoding: .utf8)
        return (path, { try? FileManager.default.removeItem(at: folder) })
    }

    @Test(arguments: 0..<2) func verifyIsClean(unit: Int) async throws {
        let (path, cleanUp) = try unitCopy(unit)
        defer { cleanUp() }
        let result = try await ChildProcess(try #require(systemdAnalyze), ["verify", path]).wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test(arguments: 0..<2) func securityExposureIsOK(unit: Int) async throws {
        let (path, cleanUp) = try unitCopy(unit)
        defer { cleanUp() }
        let result = try await ChildProcess(try #require(systemdAnalyze), ["security", "--offline=true", "--no-pager", path]).wait()
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(result.stdout)\(result.stderr)")
        let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first, "\(line)")
        #expect(score <= 1.5, "\(line)")
    }
}

import Foundation
import ScrapeCore
import Testing

@testable import ScrapeDaemon

/// The inbox's claim rules and the state store, in process (the whole inbox, exactly once
/// across `kill -9`, is tested against the binary in DaemonTests).
@Suite struct InboxAndStateTests {
    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func onlyWholeTextFilesAreListedInNameOrder() async throws {
        try await DaemonPartsFixture.with { parts, _ in
            let inbox = parts.paths.inbox
            for name in ["b.txt", "a.txt", ".incoming-c.txt", "notes.md", ".txt", "c.txt.part"] {
                try Self.write("http://127.0.0.1:9/\n", to: "\(inbox)/\(name)")
            }
            #expect(Inbox.listNames(in: inbox) == ["a", "b"])
            #expect(parts.inbox.pendingCount == 2)
        }
    }

    @Test func aClaimMovesTheFileAndAReusedNameIsRefused() async throws {
        try await DaemonPartsFixture.with { parts, _ in
            let paths = parts.paths
            try Self.write("http://127.0.0.1:9/a\n", to: "\(paths.inbox)/first.txt")
            #expect(parts.inbox.status(of: "first") == .queued)
            #expect(parts.inbox.claim("first") == .claimed)
            #expect(Inbox.exists("\(paths.claimed)/first.txt"))
            #expect(!Inbox.exists("\(paths.inbox)/first.txt"))
            #expect(parts.inbox.status(of: "first") == .claimed)
            #expect(parts.inbox.claim("first") == .gone)  // already taken

            // A list named like one already done would mix its records with the old ones.
            try Self.write("http://127.0.0.1:9/b\n", to: "\(paths.done)/second.txt")
            try Self.write("http://127.0.0.1:9/b\n", to: "\(paths.inbox)/second.txt")
            #expect(parts.inbox.claim("second") == .refused)
            #expect(Inbox.exists("\(paths.failed)/second.txt"))
            let reason = try String(contentsOfFile: "\(paths.failed)/second.error", encoding: .utf8)
            #expect(reason.contains("an inbox file named second.txt was already processed"))
            // done/ is looked at first by status(of:): the earlier list's state stands.
            #expect(parts.inbox.status(of: "second") == .done)
            #expect(parts.registry["second"]?.state == .failed)

            // An existing output counts too, and a second refusal of the name does not overwrite the first.
            try Self.write("{}\n", to: paths.inboxOutput("third"))
            for _ in 0..<2 {
                try Self.write("http://127.0.0.1:9/c\n", to: "\(paths.inbox)/third.txt")
                #expect(parts.inbox.claim("third") == .refused)
            }
            #expect(Inbox.exists("\(paths.failed)/third.txt") && Inbox.exists("\(paths.failed)/third.2.txt"))
            #expect(parts.inbox.status(of: "nothing") == nil)
        }
    }

    @Test func theStateStoreSurvivesAReloadAndRefusesAForeignFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/state.json"

        let store = try StateStore(path: path)
        #expect(store.snapshot == DaemonState())
        #expect(!FileManager.default.fileExists(atPath: path))  // nothing written until a change
        try store.update { state in
            state.jobs["nightly", default: .init()].runs = 3
            state.jobs["nightly"]?.lastRun = .init(id: "nightly-3", started: 1_700_000_000, outcome: .interrupted)
            state.jobs["nightly"]?.unfinished = .init(id: "nightly-3", outputOffset: 4096)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"output_offset\" : 4096"))  // DaemonJSON: snake_case keys
        #expect(text.contains("\"outcome\" : \"interrupted\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["state.json"])  // no temp file left

        let reloaded = try StateStore(path: path)
        #expect(reloaded.snapshot == store.snapshot)
        #expect(reloaded.job("nightly").unfinished?.outputOffset == 4096)
        #expect(reloaded.job("other").runs == 0)

        try "{\"some\": \"other file\"}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try StateStore(path: path)
        } throws: { error in
            "\(error)".contains("not a daemon state file")
        }
    }
}

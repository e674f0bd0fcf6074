import ScrapeBase
import Foundation
import Glibc
import Logging
import ScrapeCore
import ServiceLifecycle
import Synchronization
import ScrapePages

/// Takes URL lists dropped into the inbox folder, as a service.
///
/// A file `NAME.txt` that appears in `inbox/` (writers create it elsewhere and rename it
/// in, so it is whole) is claimed by renaming it into `inbox/claimed/`, scraped into
/// `state_dir/out/NAME.jsonl`, then moved to `inbox/done/`. Exactly once across
/// restarts: a claimed file is resumed on the next start, skipping the URLs its output
/// already holds. A file that cannot be read moves to `inbox/failed/` with `NAME.error`
/// beside it. Files are taken one at a time in name order, each with the engine's full
/// concurrency; the folder is looked at every 500 ms, and at once after `POST /scrape`.
/// Names starting with `.` and names not ending in `.txt` are left alone.
final class Inbox: Service, Sendable {
    /// What `/runs/{id}` shows for an inbox file of this or an earlier process.
    enum FileStatus: Sendable, Equatable {
        case queued
        case claimed
        case done
        case failed(reason: String)
    }

    private let context: RunContext
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let stopping = Atomic<Bool>(false)
    private let pollInterval = Duration.milliseconds(500)

    init(context: RunContext) {
        self.context = context
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    private var paths: DaemonPaths { context.paths }

    /// Looks at the folder now (after `POST /scrape` adds a file).
    func poke() { wakeup.yield() }

    func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
            self.wakeup.yield()
        }
    }

    private func loop() async {
        await withTaskGroup(of: Void.self) { group in
            // The ticker turns the poll interval into wakeups, so the loop waits on one stream.
            let wakeup = self.wakeup
            let interval = pollInterval
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    wakeup.yield()
                }
            }
            var iterator = wakeups.makeAsyncIterator()
            // Once the drain begins nothing new is claimed, but the loop returns only when the
            // group asks (returning early would end the group while jobs still drain).
            repeat {
                if stopping.load(ordering: .relaxed) { break }
                let claimed = Self.listNames(in: paths.claimed).map { ($0, true) }
                for (name, resumed) in claimed + Self.listNames(in: paths.inbox).map({ ($0, false) }) {
                    if stopping.load(ordering: .relaxed) || context.drain.isDraining { break }
                    await process(name, claimed: resumed)
                }
            } while await iterator.next() != nil
            group.cancelAll()
        }
        context.logger.debug("inbox stopped")
    }

    /// Claims (when new), scrapes and files away one inbox file.
    private func process(_ name: String, claimed: Bool) async {
        let logger = context.logger
        let claimedPath = "\(paths.claimed)/\(name).txt"
        let output = paths.inboxOutput(name)
        if !claimed, claim(name) != .claimed { return }
        context.registry.started(id: name, kind: .inbox, name: name)
        logger.info("inbox file claimed", metadata: ["file": "\(name).txt", "resumed": "\(claimed)"])
        switch await context.scrape(input: claimedPath, output: output, from: 0, runID: name) {
        case .success(let summary) where summary.interrupted:
            context.registry.finished(id: name, state: .interrupted, records: summary.records, errors: summary.errors, skipped: summary.skipped, message: "resumed on the next start")
            logger.info("inbox file interrupted; resumed on the next start", metadata: ["file": "\(name).txt", "records": "\(summary.records)"])
        case .success(let summary):
            if rename(claimedPath, "\(paths.done)/\(name).txt") != 0 {
                logger.error("cannot move an inbox file to done/", metadata: ["file": "\(name).txt", "error": "\(SystemCall.errorMessage())"])
            }
            context.registry.finished(id: name, state: .succeeded, records: summary.records, errors: summary.errors, skipped: summary.skipped, message: nil)
            logger.info("inbox file done", metadata: ["file": "\(name).txt", "records": "\(summary.records)", "errors": "\(summary.errors)", "skipped": "\(summary.skipped)"])
        case .failure(.input(let error)):
            fail(name, at: claimedPath, reason: "\(error)")
        case .failure(let failure):
            // The output cannot be written (disk full?): keep the file claimed, try again later.
            context.registry.finished(id: name, state: .failed, records: 0, errors: 0, skipped: 0, message: failure.description)
            logger.error("inbox file could not be scraped; kept for a retry", metadata: ["file": "\(name).txt", "error": "\(failure)"])
            try? await Task.sleep(for: .seconds(5))
        }
    }

    /// What ``claim(_:)`` did with a waiting file.
    enum Claim: Equatable {
        /// Moved into `claimed/`: it is this process's to scrape.
        case claimed
        /// Its name was used before (in `done/`, or its output exists): moved to `failed/`.
        case refused
        /// Gone before it could be claimed (another process took it, or its writer).
        case gone
    }

    /// Claims waiting file `name` by renaming it into `claimed/`, unless a list of that name
    /// was already processed: its records would be mixed with the old ones.
    func claim(_ name: String) -> Claim {
        let incoming = "\(paths.inbox)/\(name).txt"
        let output = paths.inboxOutput(name)
        if Self.exists("\(paths.done)/\(name).txt") || Self.exists(output) {
            fail(name, at: incoming, reason: "an inbox file named \(name).txt was already processed (its records are in \(output)); give each list a new name")
            return .refused
        }
        guard rename(incoming, "\(paths.claimed)/\(name).txt") == 0 else {
            if errno == ENOENT { return .gone }
            fail(name, at: incoming, reason: "cannot claim it: " + SystemCall.errorMessage())
            return .refused
        }
        return .claimed
    }

    /// Moves a file that cannot be processed to `failed/`, with `NAME.error` saying why.
    private func fail(_ name: String, at path: String, reason: String) {
        var target = "\(paths.failed)/\(name).txt"
        var suffix = 1
        while Self.exists(target) {
            suffix += 1
            target = "\(paths.failed)/\(name).\(suffix).txt"
        }
        let errorPath = String(target.dropLast(4)) + ".error"
        do {
            try AtomicFile.write(Array((reason + "\n").utf8), to: errorPath)
        } catch {
            context.logger.error("cannot write an inbox .error file", metadata: ["path": "\(errorPath)", "error": "\(error)"])
        }
        rename(path, target)
        context.registry.started(id: name, kind: .inbox, name: name)
        context.registry.finished(id: name, state: .failed, records: 0, errors: 0, skipped: 0, message: reason)
        context.logger.error("inbox file failed", metadata: ["file": "\(name).txt", "reason": "\(reason)"])
    }

    /// Files waiting or being scraped, for the `scrape_inbox_pending` gauge.
    var pendingCount: Int {
        Self.listNames(in: paths.inbox).count + Self.listNames(in: paths.claimed).count
    }

    /// Where inbox file `name` is, for `/runs/{id}` after a restart.
    func status(of name: String) -> FileStatus? {
        if Self.exists("\(paths.claimed)/\(name).txt") { return .claimed }
        if Self.exists("\(paths.inbox)/\(name).txt") { return .queued }
        if Self.exists("\(paths.done)/\(name).txt") { return .done }
        if let reason = try? String(contentsOfFile: "\(paths.failed)/\(name).error", encoding: .utf8) {
            return .failed(reason: reason.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return nil
    }

    /// The stems of `*.txt` files in `folder`, in name order; dot files are skipped.
    static func listNames(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix("."), name.hasSuffix(".txt"), name.count > 4 else { continue }
            names.append(String(name.dropLast(4)))
        }
        return names.sorted()
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}

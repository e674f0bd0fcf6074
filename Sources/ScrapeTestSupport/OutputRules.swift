import Foundation
import Glibc

/// The rules every command that writes records keeps about its output (docs/output.md),
/// as checks any test target runs against its own writer: `scrape run`, `scrape api`,
/// `scrape ws` and `scrape frontier export` are each held to the same list.
///
/// Each check runs the writer (a closure that runs the command with the output path it
/// is given) and returns what went wrong, empty when the rule held, so a failure names
/// the writer and the rule.
public enum OutputRules {
    /// Runs the command under test with `output` as its output path.
    public typealias Writer = @Sendable (_ output: String) async throws -> ChildProcess.Result

    /// How a writer treats the file it was given when it fails part-way.
    public enum FailureShape: Sendable {
        /// The file keeps the whole records written before the failure, and the message
        /// says how many (`run`, `api`, `ws`).
        case keepsWholeRecords
        /// The file is as it was before the command (`frontier export`: whole or not at all).
        case leavesOldFile
    }

    /// `-o link` writes into the link's target; the link stays a link.
    public static func writesThroughSymlink(_ writer: Writer) async throws -> [String] {
        try await TemporaryFiles.withDirectory { directory in
            let target = directory + "/target.jsonl"
            let link = directory + "/link.jsonl"
            try "{\"url\":\"old\"}\n".write(toFile: target, atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            let result = try await writer(link)
            var problems: [String] = []
            if result.status != 0 { problems.append("exit \(result.status): \(result.stderr)") }
            let kind = try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType
            if kind != .typeSymbolicLink { problems.append("the symlink was replaced by a \(kind.map { "\($0.rawValue)" } ?? "nothing")") }
            let lines = wholeLines(atPath: target)
            if lines.records == 0 || !lines.problems.isEmpty { problems.append("the target holds \(lines.records) records: \(lines.problems)") }
            return problems
        }
    }

    /// `-o fifo` writes into the FIFO: its reader gets every record, and it stays a FIFO.
    public static func writesIntoFIFO(_ writer: Writer) async throws -> [String] {
        try await TemporaryFiles.withDirectory { directory in
            let fifo = directory + "/out.fifo"
            let received = directory + "/received.jsonl"
            guard mkfifo(fifo, 0o644) == 0 else { return ["mkfifo: errno \(errno)"] }
            let reader = try ChildProcess("/bin/cat", [fifo], stdoutPath: received)
            let result = try await writer(fifo)
            var problems: [String] = []
            if result.status != 0 { problems.append("exit \(result.status): \(result.stderr)") }
            if try FileManager.default.attributesOfItem(atPath: fifo)[.type] as? FileAttributeType != .typeUnknown {
                problems.append("the FIFO was replaced")  // Foundation calls a FIFO "unknown"
            }
            if result.status != 0 || problems.count > 0 {
                // Let the reader go: open the FIFO for writing once so `cat` sees its end.
                let descriptor = open(fifo, O_WRONLY | O_NONBLOCK)
                if descriptor >= 0 { close(descriptor) }
            }
            let read = try await reader.wait()
            if read.status != 0 { problems.append("the reader ended with \(read.status)") }
            let lines = wholeLines(atPath: received)
            if lines.records == 0 || !lines.problems.isEmpty { problems.append("the reader got \(lines.records) records: \(lines.problems)") }
            return problems
        }
    }

    /// `-o /dev/full` (every write fails with ENOSPC) is exit 1 with a message naming the
    /// output, and the device stays a device.
    public static func reportsAFullDevice(_ writer: Writer) async throws -> [String] {
        let result = try await writer("/dev/full")
        var problems: [String] = []
        if result.status != 1 { problems.append("exit \(result.status), expected 1") }
        if !result.stderr.contains("/dev/full") || !result.stderr.contains("No space left on device") {
            problems.append("the message does not name /dev/full and the reason: \(result.stderr)")
        }
        if try FileManager.default.attributesOfItem(atPath: "/dev/full")[.type] as? FileAttributeType != .typeCharacterSpecial {
            problems.append("/dev/full is no longer a device")
        }
        return problems
    }

    /// A disk that fills part-way (a small tmpfs) is exit 1, and the output holds whole
    /// records only: as many as the message says (``FailureShape/keepsWholeRecords``), or
    /// the file as it was (``FailureShape/leavesOldFile``). Returns nil when this process
    /// may not mount a tmpfs (not root), so the caller can say the check did not run.
    public static func survivesAFullDisk(_ writer: Writer, shape: FailureShape, size: String = "16k") async throws -> [String]? {
        try await TemporaryFiles.withDirectory { directory in
            let mount = directory + "/small"
            try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
            guard try await run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", mount]) == 0 else { return nil }
            defer { _ = umount2(mount, Int32(MNT_DETACH)) }
            let output = mount + "/out.jsonl"
            let old = "{\"url\":\"old\"}\n"
            try old.write(toFile: output, atomically: false, encoding: .utf8)
            let result = try await writer(output)
            var problems: [String] = []
            if result.status != 1 { problems.append("exit \(result.status), expected 1: \(result.stderr)") }
            if !result.stderr.contains("No space left on device") { problems.append("the message does not say the disk is full: \(result.stderr)") }
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            switch shape {
            case .leavesOldFile:
                if text != old { problems.append("the old file was changed (\(text.utf8.count) bytes)") }
            case .keepsWholeRecords:
                let lines = wholeLines(atPath: output)
                if !lines.problems.isEmpty { problems.append("the file is not whole lines: \(lines.problems)") }
                // An appending writer keeps the old record before its own.
                let kept = text.hasPrefix(old) ? 1 : 0
                let said = count(in: result.stderr)
                if said != lines.records - kept { problems.append("the message says \(said.map(String.init) ?? "no count of") records written; the file holds \(lines.records - kept) new ones") }
            }
            return problems
        }
    }

    /// An output that ends with a partial line (a crash, a full disk) is cut back to its
    /// last whole line before the first new record, so every line is a whole record.
    public static func appendsOnALineBoundary(_ writer: Writer) async throws -> [String] {
        let output = TemporaryFiles.path("out.jsonl")
        defer { unlink(output) }
        try "{\"id\":98,\"name\":\"whole\"}\n{\"id\":99,\"name\":\"parti".write(toFile: output, atomically: false, encoding: .utf8)
        let result = try await writer(output)
        var problems: [String] = []
        if result.status != 0 { problems.append("exit \(result.status): \(result.stderr)") }
        let lines = wholeLines(atPath: output)
        if !lines.problems.isEmpty { problems.append("not whole records: \(lines.problems)") }
        if lines.records < 2 { problems.append("\(lines.records) records: the kept one and the new ones expected") }
        if let first = try? String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").first, first != "{\"id\":98,\"name\":\"whole\"}" {
            problems.append("the whole record before the partial line was not kept: \(first)")
        }
        return problems
    }

    /// The records of a JSON Lines file and what is wrong with it (a missing final newline,
    /// a line that is not a JSON object). A missing file has none.
    static func wholeLines(atPath path: String) -> (records: Int, problems: [String]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty else { return (0, []) }
        var problems: [String] = []
        if !text.hasSuffix("\n") { problems.append("the last line is partial: \(text.split(separator: "\n").last ?? "")") }
        let lines = text.split(separator: "\n")
        for (number, line) in lines.enumerated() where (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] == nil {
            problems.append("line \(number + 1) is not a JSON object: \(line.prefix(80))")
        }
        return (lines.count, problems)
    }

    /// N in "N records written" / "N record written".
    static func count(in message: String) -> Int? {
        guard let range = message.range(of: #"(\d+) records? written"#, options: .regularExpression) else { return nil }
        return Int(message[range].prefix { $0.isNumber })
    }

    private static func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        try await ChildProcess(executable, arguments).wait().status
    }
}

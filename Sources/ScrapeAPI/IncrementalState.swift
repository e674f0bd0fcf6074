import ScrapePages
public import ScrapeCore
import ScrapeBase
import Glibc

/// The largest incremental cursor a job has seen, kept between runs in a small JSON file.
///
/// Written with temp file + fsync + rename, and only after the run's records are fsynced,
/// so a crash can repeat records but never skip them.
public struct IncrementalState: Sendable, Equatable {
    /// The job's name.
    public var job: String
    /// The largest `cursor_path` value seen, as text (a number's exact digits or a string).
    public var lastValue: String

    public init(job: String, lastValue: String) {
        self.job = job
        self.lastValue = lastValue
    }

    /// Reads the state file; nil when it does not exist.
    ///
    /// - Throws: ``OutputError`` when it exists but is not ours.
    public static func load(path: String) throws(OutputError) -> IncrementalState? {
        guard let text = FileContents.read(path) else {
            if errno == ENOENT { return nil }
            throw OutputError(path: path, reason: SystemCall.errorMessage())
        }
        let bytes = Array(text.utf8)
        guard let json = try? JSONParser.parse(bytes), let job = json["job"]?.scalarText(in: bytes),
            let value = json["last_value"]?.scalarText(in: bytes)
        else { throw OutputError(path: path, reason: "not an incremental state file (expected {\"job\": ..., \"last_value\": ...})") }
        return IncrementalState(job: job, lastValue: value)
    }

    /// Writes atomically (``AtomicFile``).
    public func save(path: String) throws(OutputError) {
        var line: [UInt8] = Array(#"{"job":"#.utf8)
        JSONLineEncoder.appendString(job, to: &line)
        line += Array(#","last_value":"#.utf8)
        JSONLineEncoder.appendString(lastValue, to: &line)
        line += Array("}\n".utf8)
        try AtomicFile.write(line, to: path)
    }

    /// Whether `candidate` orders after `current`: numerically when both are numbers,
    /// else by text (ISO 8601 timestamps order correctly as text).
    public static func isNewer(_ candidate: String, than current: String) -> Bool {
        if let a = Double(candidate), let b = Double(current) { return a > b }
        return candidate > current
    }
}

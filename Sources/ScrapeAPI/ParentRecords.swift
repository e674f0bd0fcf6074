import ScrapePages
public import ScrapeCore
import Glibc
import ScrapeBase

/// A parent job's records read back from its `output:` file, for a child job's walks
/// (`scrape api --from-output`), so the parent's API is not asked again.
///
/// The file is read as the parent wrote it, whichever way that was: a line written with
/// `--with-meta` (`{"job":"NAME","page_url":...,"record":...}`, its job the parent) gives
/// its `record`; any other line is the record. A last line without its newline is what a
/// run killed mid-write (kill -9, a crash) leaves: it is skipped and counted, never
/// walked, since it is a cut record. The file is not changed.
public struct ParentRecords: Sendable {
    /// The records, one JSON value each, as the parent's API sent them.
    public let records: [[UInt8]]
    /// The bytes of a partial last line that was skipped; 0 when the file ended whole.
    public let skippedBytes: Int

    /// Reads the output of parent job `job`.
    ///
    /// - Parameter keyPath: where the job sits in the file (`jobs[0]`), for messages.
    /// - Throws: ``ConfigurationError`` at the job's `output`: the job has no output file,
    ///   the file does not exist (the parent has not run), or it cannot be read.
    public init(readingOutputOf job: ScrapeConfiguration.Job, keyPath: String) throws(ConfigurationError) {
        let key = keyPath + ".output"
        guard let path = job.output, path != "-" else {
            throw ConfigurationError(key: key, message: "--from-output needs the parent job \(job.name) to have an output: file")
        }
        guard let text = FileContents.read(path, limit: 1 << 30) else {
            let reason = errno
            if reason == ENOENT {
                throw ConfigurationError(
                    key: key,
                    message: "the parent's output \(path) does not exist; run the parent job \(job.name) first "
                        + "(scrape api CONFIG --job \(job.name)), or leave out --from-output to run it with its children")
            }
            throw ConfigurationError(key: key, message: "cannot read the parent's output \(path): \(SystemCall.errorMessage(reason))")
        }
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let last = lines.removeLast()  // after the final newline: empty when the file ended whole
        skippedBytes = last.count
        records = lines.filter { !$0.isEmpty }.map { Self.record(in: Array($0), of: job.name) }
    }

    /// The record of one output line: a `--with-meta` line's `record`, or the line itself.
    private static func record(in line: [UInt8], of job: String) -> [UInt8] {
        guard line.starts(with: Array(#"{"job":"#.utf8)), case .object(let members, _)? = try? JSONParser.parse(line),
            members.map(\.key) == ["job", "page_url", "record"], case .string(job, _) = members[0].value
        else { return line }
        return members[2].value.compactBytes(in: line)
    }
}

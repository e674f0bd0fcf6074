import ScrapeBase
import Glibc

/// An earlier run's output, indexed for `--since`: where each URL's last record is.
///
/// Loading reads the file once with the output reader's rules (``LineReader``, the
/// checks of ``RecordLine``): every whole line must be a record of ours, or loading fails
/// naming the first line that is not; an unterminated last line (a run killed mid-write)
/// is ignored when it could be the start of one of our records. Where a URL has several
/// records, the last one counts.
///
/// Memory: only a hash of each URL and the offset of its last record are kept (a
/// dictionary of two 8-byte integers: 32 MB for a million URLs, 50 MB at its peak while
/// it grows; loading such a 418 MB file took 1.4 s of CPU in a release build); a record is read back with one
/// `pread` and parsed when its URL comes up (``lastRecord(requestedAs:)``). A lookup
/// checks the line's own URL, so two URLs whose 64-bit hashes collide cannot be mixed up
/// (the later one is then treated as new). With ``init(path:indexingReferrers:)``'s
/// `indexingReferrers` (a crawl), each last record's `referrer` is kept as a hash and an
/// offset too, sorted, so the pages an unchanged page led to can be found
/// (``referredURLs(by:)``).
///
/// Read-only and immutable once loaded: lookups run on the pages' tasks in parallel
/// (`pread` on one descriptor is safe from many threads). The descriptor is closed when
/// the last reference goes.
public final class PreviousRecords: Sendable {
    /// Why the `--since` file cannot be used (exit 2).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        public var description: String { "--since \(path): \(reason)" }
    }

    /// The path as given.
    public let path: String
    /// Whole records read.
    public let recordCount: Int
    /// Bytes of an unterminated last line that were ignored (0 when the file ends whole).
    public let ignoredPartialBytes: Int
    private let descriptor: Int32
    private let device: UInt64
    private let inode: UInt64
    /// URL key → offset of the URL's last record.
    private let lastOffsets: [Int: Int64]
    /// (referrer key, offset of a last record with that referrer), sorted by key; empty
    /// unless referrers were indexed.
    private let referrals: [Referral]

    private struct Referral: Sendable {
        var referrer: Int
        var offset: Int64
    }

    private static let referrerKey = Array(#""referrer":"#.utf8)

    /// Opens and indexes `path`.
    ///
    /// - Parameter indexingReferrers: also index each record's `referrer` (`scrape crawl`).
    /// - Throws: ``Failure`` when the file cannot be opened or read, is not a regular file
    ///   (it is read back by offset), or holds a line that is not one of our records.
    public init(path: String, indexingReferrers: Bool = false) throws(Failure) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(path: path, reason: SystemCall.errorMessage()) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            Glibc.close(descriptor)
            throw Failure(path: path, reason: "not a regular file: --since reads an earlier output back by offset (save it to a file first)")
        }
        var offsets: [Int: Int64] = [:]
        var lineReferrals: [(url: Int, referral: Referral)] = []
        var count = 0
        var lineNumber = 0
        var foreign: (first: Int, count: Int)?
        let end: LineReader.End
        do throws(OutputError) {
            end = try LineReader.forEachLine(of: descriptor, path: path, from: 0) { line, offset throws(OutputError) in
                lineNumber += 1
                if line.isEmpty { return }
                guard RecordLine.isRecord(line), let url = RecordLine.leadingURL(in: line) else {
                    foreign = (foreign?.first ?? lineNumber, (foreign?.count ?? 0) + 1)
                    return
                }
                let key = PreviousRecords.key(ofRecordURL: url)
                offsets[key] = offset
                count += 1
                if indexingReferrers, let referrer = RecordLine.string(of: PreviousRecords.referrerKey, in: line) {
                    lineReferrals.append((key, Referral(referrer: PreviousRecords.key(ofRecordURL: referrer), offset: offset)))
                }
            }
        } catch {
            Glibc.close(descriptor)
            throw Failure(path: path, reason: error.reason)
        }
        if let partial = end.partial, !RecordLine.couldBeCutRecord(partial[...]) {
            foreign = (foreign?.first ?? lineNumber + 1, (foreign?.count ?? 0) + 1)
        }
        if let foreign {
            Glibc.close(descriptor)
            throw Failure(
                path: path,
                reason: "line \(foreign.first) is not a scrape record (\(foreign.count) such line\(foreign.count == 1 ? "" : "s")): "
                    + "--since reads the output of an earlier scrape run or crawl")
        }
        self.descriptor = descriptor
        self.device = UInt64(info.st_dev)
        self.inode = UInt64(info.st_ino)
        self.recordCount = count
        self.ignoredPartialBytes = end.partial?.count ?? 0
        self.lastOffsets = offsets
        self.referrals = lineReferrals.filter { offsets[$0.url] == $0.referral.offset }.map(\.referral).sorted { $0.referrer < $1.referrer }
    }

    deinit {
        Glibc.close(descriptor)
    }

    /// Distinct URLs with a record.
    public var urlCount: Int { lastOffsets.count }

    /// Whether `path` (`-`: standard output) is this file, also through a symlink or a
    /// hard link: a run must not write its records over the file it compares them with.
    public func isSameFile(as path: String) -> Bool {
        var info = stat()
        let found = path == "-" ? fstat(1, &info) == 0 : stat(path, &info) == 0
        return found && UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// The last record of the URL requested as `url`; nil when the file has none.
    public func lastRecord(requestedAs url: String) -> PreviousRecord? {
        guard let offset = lastOffsets[Self.key(ofRequestURL: url)] else { return nil }
        return record(at: offset, requestedAs: url)
    }

    /// The last record of `record`'s URL (its line's bytes when they are not UTF-8).
    public func lastRecord(for record: ScrapeRecord) -> PreviousRecord? {
        lastRecord(requestedAs: record.urlBytes.map(URLSource.Line.requestURL(ofInvalidBytes:)) ?? record.url)
    }

    /// The URLs whose last record names `url` as its `referrer` (the pages a crawl reached
    /// through it), in file order; empty unless referrers were indexed.
    public func referredURLs(by url: String) -> [String] {
        let key = Self.key(ofRequestURL: url)
        var low = 0
        var high = referrals.count
        while low < high {
            let middle = (low + high) / 2
            if referrals[middle].referrer < key { low = middle + 1 } else { high = middle }
        }
        var found: [(offset: Int64, url: String)] = []
        while low < referrals.count, referrals[low].referrer == key {
            let offset = referrals[low].offset
            low += 1
            guard let line = LineReader.line(of: descriptor, at: offset), let child = RecordLine.leadingURL(in: line[...]),
                let referrer = RecordLine.string(of: Self.referrerKey, in: line[...]), Self.requestForm(referrer).utf8.elementsEqual(url.utf8)
            else { continue }
            found.append((offset, Self.requestForm(child)))
        }
        return found.sorted { $0.offset < $1.offset }.map(\.url)
    }

    private func record(at offset: Int64, requestedAs url: String) -> PreviousRecord? {
        guard let line = LineReader.line(of: descriptor, at: offset), let recorded = RecordLine.leadingURL(in: line[...]),
            Self.requestForm(recorded).utf8.elementsEqual(url.utf8)
        else { return nil }
        return PreviousRecord(line: line)
    }

    /// The URL a record's `url` bytes were requested as: the line itself, or for a line
    /// that is not UTF-8 its percent-encoded form (``URLSource/Line/requestURL``).
    static func requestForm(_ bytes: [UInt8]) -> String {
        JSONLineEncoder.isValidUTF8(bytes) ? String(decoding: bytes, as: UTF8.self) : URLSource.Line.requestURL(ofInvalidBytes: bytes)
    }

    private static func key(ofRecordURL bytes: [UInt8]) -> Int {
        guard JSONLineEncoder.isValidUTF8(bytes) else { return key(ofRequestURL: URLSource.Line.requestURL(ofInvalidBytes: bytes)) }
        return bytes.withUnsafeBytes(key(ofBytes:))
    }

    /// A hash of the URL's bytes (not of the String, which would fold canonically
    /// equivalent spellings together).
    private static func key(ofRequestURL url: String) -> Int {
        var url = url
        return url.withUTF8 { key(ofBytes: UnsafeRawBufferPointer($0)) }
    }

    private static func key(ofBytes bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }
}

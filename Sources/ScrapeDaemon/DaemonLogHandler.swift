import ScrapeBase
import Glibc
public import Logging
import ScrapeCore

/// swift-log to stderr, one line per message, in the two shapes a service needs.
///
/// - `plain`: `info: message key=value`. No timestamp: journald adds its own. Under
///   systemd (`$JOURNAL_STREAM` set) each line starts with its syslog priority (`<6>`),
///   which journald turns into the entry's level, so `journalctl -p warning` works.
/// - `json`: `{"time":...,"level":...,"label":...,"message":...,metadata...}` for log shippers.
///
/// Each line goes out in one `write(2)`, so lines from several threads never interleave.
public struct DaemonLogHandler: LogHandler {
    /// The line shape.
    public enum Format: String, Sendable, CaseIterable {
        case plain
        case json
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let format: Format
    private let priorityPrefix: Bool

    public init(label: String, format: Format, environment: [String: String]) {
        self.label = label
        self.format = format
        self.priorityPrefix = format == .plain && environment["JOURNAL_STREAM"] != nil
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line: String
        switch format {
        case .plain:
            line = priorityPrefix ? "<\(Self.priority(event.level))>" : ""
            line += "\(event.level): \(event.message)"
            for key in merged.keys.sorted() { line += " \(key)=\(merged[key]!)" }
        case .json:
            var bytes: [UInt8] = Array(#"{"time":"#.utf8)
            JSONLineEncoder.appendString(Timestamp.now.description, to: &bytes)
            bytes += Array(#","level":"#.utf8)
            JSONLineEncoder.appendString(event.level.rawValue, to: &bytes)
            bytes += Array(#","label":"#.utf8)
            JSONLineEncoder.appendString(label, to: &bytes)
            bytes += Array(#","message":"#.utf8)
            JSONLineEncoder.appendString("\(event.message)", to: &bytes)
            for key in merged.keys.sorted() {
                bytes.append(UInt8(ascii: ","))
                JSONLineEncoder.appendString(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                JSONLineEncoder.appendString("\(merged[key]!)", to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
            line = String(decoding: bytes, as: UTF8.self)
        }
        line += "\n"
        StandardError.write(line)
    }

    /// syslog priorities (sd-daemon(3)).
    private static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}

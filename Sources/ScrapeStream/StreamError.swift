/// What stops a stream before it starts, with a message that names the problem.
public enum StreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is out of range or malformed (`--header`, `--max-message-size`, a `ws:` key).
    case invalidSetting(String, reason: String)
    /// A file to read (`--send-file`, `--cacert`) cannot be read.
    case unreadableFile(String, reason: String)

    public var description: String {
        switch self {
        case .invalidSetting(let name, let reason): "\(name): \(reason)"
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        }
    }
}

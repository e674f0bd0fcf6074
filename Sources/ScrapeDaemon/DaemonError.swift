public import ScrapeCore

/// Why the daemon cannot start, or cannot apply a reload.
public enum DaemonError: Error, Sendable, CustomStringConvertible {
    /// The config file, or a daemon-only rule about it (`key: message`).
    case configuration(ConfigurationError)
    /// A folder or file of the state directory or inbox.
    case filesystem(path: String, reason: String)
    /// The control server cannot listen on `daemon.listen` (a port in use).
    case listen(address: String, reason: String)

    public var description: String {
        switch self {
        case .configuration(let error): "\(error)"
        case .filesystem(let path, let reason): "\(path): \(reason)"
        case .listen(let address, let reason): "cannot listen on \(address) (daemon.listen): \(reason)"
        }
    }
}

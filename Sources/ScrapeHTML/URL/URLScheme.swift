/// What the parser needs to know of a URL's scheme: whether it is one of the standard's
/// six special schemes and, for those, the default port (which the serialization omits).
enum URLScheme: UInt8, Sendable {
    case http, https, ws, wss, ftp, file, other

    var isSpecial: Bool { self != .other }

    /// The default port of a special scheme other than `file`.
    var defaultPort: Int? {
        switch self {
        case .http, .ws: 80
        case .https, .wss: 443
        case .ftp: 21
        case .file, .other: nil
        }
    }

    /// The kind of an already lowercased scheme.
    init(lowercased scheme: UnsafeBufferPointer<UInt8>) {
        self = .other
        switch scheme.count {
        case 2 where Self.equals(scheme, "ws"): self = .ws
        case 3 where Self.equals(scheme, "wss"): self = .wss
        case 3 where Self.equals(scheme, "ftp"): self = .ftp
        case 4 where Self.equals(scheme, "http"): self = .http
        case 4 where Self.equals(scheme, "file"): self = .file
        case 5 where Self.equals(scheme, "https"): self = .https
        default: break
        }
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for index in 0..<bytes.count where bytes[index] != pointer[index] { return false }
        return true
    }
}

/// A PostgreSQL connection URL: `postgres://user[:password]@host[:port]/dbname?sslmode=...`
/// (also `postgresql://`), as libpq and every PostgreSQL tool spell it.
///
/// The password is taken from the URL or from `PGPASSWORD` (the URL's wins), and never
/// shown: ``description`` is the URL without it, for errors and logs.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// How TLS is used (libpq's `sslmode`): `disable`; `prefer` (the default: TLS when the
    /// server offers it, certificate not checked, as libpq does); `require` (TLS or fail,
    /// certificate not checked); `verify-full` (TLS with the certificate checked against
    /// the system's roots and the host name).
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    /// Parses `text`; `environment` supplies `PGPASSWORD` when the URL has no password.
    ///
    /// - Throws: ``FrontierError/invalidDatabaseURL(_:)`` naming what is wrong (without the password).
    public init(parsing text: String, environment: [String: String] = [:]) throws(FrontierError) {
        let schemes = ["postgres://", "postgresql://"]
        guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
            throw .invalidDatabaseURL("expected postgres://user@host:port/dbname, got \"\(Self.redacting(text))\"")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var userInfo: Substring = ""
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        let userParts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        user = Self.percentDecoded(userParts.first.map(String.init) ?? "")
        password = userParts.count > 1 ? Self.percentDecoded(String(userParts[1])) : environment["PGPASSWORD"]
        if user.isEmpty { user = environment["PGUSER"] ?? "postgres" }
        var hostPart = rest
        port = 5432
        if hostPart.hasPrefix("[") {  // [::1]:5432
            guard let close = hostPart.firstIndex(of: "]") else {
                throw .invalidDatabaseURL("unclosed [ in the host of \(Self.redacting(text))")
            }
            let after = hostPart[hostPart.index(after: close)...]
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65535).contains(number) else {
                    throw .invalidDatabaseURL("bad port in \(Self.redacting(text))")
                }
                port = number
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            guard let number = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(number) else {
                throw .invalidDatabaseURL("bad port in \(Self.redacting(text))")
            }
            port = number
            hostPart = hostPart[..<colon]
        }
        host = hostPart.isEmpty ? "localhost" : String(hostPart)
        database = path.isEmpty ? user : Self.percentDecoded(String(path))
        tls = .prefer
        for pair in query.split(separator: "&") {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(keyValue[0])
            let value = keyValue.count > 1 ? String(keyValue[1]) : ""
            switch key {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw .invalidDatabaseURL("sslmode=\(value): expected disable, prefer, require or verify-full")
                }
                tls = mode
            case "application_name", "connect_timeout":
                continue  // accepted for libpq compatibility; not used
            default:
                throw .invalidDatabaseURL("unknown parameter \(key) in \(Self.redacting(text)) (known: sslmode)")
            }
        }
    }

    /// The URL without its password.
    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(hostText):\(port)/\(database)" + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
    }

    /// `text` with any password between `user:` and `@` replaced by `***`, for errors about
    /// a URL that did not parse.
    static func redacting(_ text: String) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else { return text }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<authority.index(after: colon)]) + "***" + String(text[at...])
    }

    private static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "%"), let high = utf8.next(), let low = utf8.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

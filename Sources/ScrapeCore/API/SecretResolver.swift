import ScrapeBase
import ScrapeHTTP
import Glibc

extension ScrapeConfiguration.Secret {
    /// The secret's value, read now. Never logged.
    ///
    /// - Parameter key: the config key path, for the error message.
    /// - Throws: ``ConfigurationError`` naming the key and the variable or file (not the value).
    public func resolve(key: String) throws(ConfigurationError) -> String {
        switch self {
        case .environment(let name):
            guard let value = getenv(name).map({ String(cString: $0) }) else {
                throw ConfigurationError(key: key, message: "environment variable \(name) is not set")
            }
            guard !value.isEmpty else { throw ConfigurationError(key: key, message: "environment variable \(name) is set but empty") }
            guard HTTPHeaders.isValidValue(value) else {
                throw ConfigurationError(key: key, message: "environment variable \(name) " + HeaderCheck.injectionMessage)
            }
            return value
        case .file(let path):
            guard let text = FileContents.read(path) else {
                throw ConfigurationError(key: key, message: "cannot read secret file \(path): \(SystemCall.errorMessage())")
            }
            let value = text.trimmingCharacters(in: " \t\r\n")
            guard !value.isEmpty else { throw ConfigurationError(key: key, message: "secret file \(path) is empty") }
            guard HTTPHeaders.isValidValue(value) else {
                throw ConfigurationError(key: key, message: "secret file \(path) " + HeaderCheck.injectionMessage)
            }
            return value
        }
    }
}

/// Base64 (RFC 4648), for `Authorization: Basic`.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}

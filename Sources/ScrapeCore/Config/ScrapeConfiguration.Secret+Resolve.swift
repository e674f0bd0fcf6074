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

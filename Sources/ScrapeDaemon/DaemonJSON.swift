import Foundation

/// The daemon's one JSON convention, for the state file and every control server answer:
/// Swift names in camelCase become snake_case keys (`nextRun` is `next_run`), keys sorted,
/// slashes not escaped (`"status":"/runs/x"`).
enum DaemonJSON {
    static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

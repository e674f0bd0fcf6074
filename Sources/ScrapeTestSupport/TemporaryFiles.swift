import Foundation

/// Files a test makes in the temporary folder, each under a fresh name.
public enum TemporaryFiles {
    /// A path that does not exist yet, ending in `name`.
    public static func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    /// A new file holding `contents`; returns its path.
    public static func file(_ name: String, _ contents: String) throws -> String {
        let path = path(name)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A URL list, one line each; returns its path.
    public static func urlList(_ lines: [String]) throws -> String {
        try file("urls.txt", lines.joined(separator: "\n") + "\n")
    }

    /// Runs `body` with a new empty folder, removed (with what is in it) afterwards.
    public static func withDirectory<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        let directory = path("folder")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    /// ``withDirectory(_:)`` for synchronous bodies.
    public static func withDirectorySync<Result>(_ body: (String) throws -> Result) throws -> Result {
        let directory = path("folder")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try body(directory)
    }

    /// The JSON objects of a JSON Lines text.
    public static func records(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
}

public import ArgumentParser
import Glibc

extension AsyncParsableCommand {
    /// Parses the command line, runs the command and exits, with the exit statuses both
    /// executables promise: the command's own `ExitCode`, 0 for `--help`, and `usage` (2)
    /// for any parse or validation error, where ArgumentParser would use 64.
    public static func runAsMain(usageStatus: Int32 = 2) async -> Never {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Glibc.exit(0)
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            Terminal.error(fullMessage(for: error))
            Glibc.exit(usageStatus)
        }
    }
}

/// Writes to stderr (fd 2) without touching Glibc's `stderr` global, which Swift 6 rejects.
public enum Terminal {
    /// One line (a newline is added when missing).
    public static func error(_ message: String) {
        write(message.hasSuffix("\n") ? message : message + "\n")
    }

    /// Text as it is.
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}

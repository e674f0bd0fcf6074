import ScrapeBase
public import ArgumentParser
import Glibc

extension AsyncParsableCommand {
    /// Parses the command line, runs the command and exits, with the exit statuses both
    /// executables promise: the command's own `ExitCode`, 0 for `--help`, and `usage` (2)
    /// for any parse or validation error, where ArgumentParser would use 64.
    ///
    /// A `ValidationError` thrown while a subcommand runs (a config file it read) points at
    /// that subcommand's help, as a parse error would, not at the root's.
    ///
    /// - Parameter arguments: the command line without the program name; nil reads it.
    public static func runAsMain(arguments: [String]? = nil, usageStatus: Int32 = 2) async -> Never {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exitAfter(error, usageStatus: usageStatus)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Glibc.exit(0)
        } catch let error as ValidationError {
            let path = commandPath(to: type(of: command))?.joined(separator: " ") ?? Self._commandName
            Terminal.error("Error: \(error.message)\n  See '\(path) --help' for more information.")
            Glibc.exit(usageStatus)
        } catch {
            exitAfter(error, usageStatus: usageStatus)
        }
    }

    /// The names from the root to `command` (`scrape frontier work`), as the user typed
    /// them; nil when it is not in the tree.
    static func commandPath(to command: any ParsableCommand.Type) -> [String]? {
        func search(_ node: any ParsableCommand.Type, _ path: [String]) -> [String]? {
            let path = path + [node._commandName]
            if ObjectIdentifier(node) == ObjectIdentifier(command) { return path }
            for child in node.configuration.subcommands {
                if let found = search(child, path) { return found }
            }
            return nil
        }
        return search(Self.self, [])
    }

    private static func exitAfter(_ error: any Error, usageStatus: Int32) -> Never {
        if let code = error as? ExitCode { Glibc.exit(code.rawValue) }
        if exitCode(for: error) == .success {
            print(fullMessage(for: error))
            Glibc.exit(0)
        }
        Terminal.error(fullMessage(for: error))
        Glibc.exit(usageStatus)
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
        StandardError.write(text)
    }
}

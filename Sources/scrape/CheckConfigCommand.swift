import ArgumentParser
import ScrapeCore

/// `scrape check-config FILE`: validates a config file and prints the effective settings.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a config file and print the settings it gives, defaults included."
    )

    @Argument(help: ArgumentHelp("The YAML config file.", valueName: "file"))
    var file: String

    func run() throws {
        let configuration: ScrapeConfiguration
        do {
            configuration = try ScrapeConfiguration(contentsOfFile: file)
            if configuration.hasDaemonSection { _ = try configuration.validateForDaemon() }
        } catch {
            throw ValidationError("\(file): \(error)")
        }
        print("\(file): OK")
        print(configuration.http.effectiveSettings)
        print(configuration.daemon.effectiveSettings)
    }
}

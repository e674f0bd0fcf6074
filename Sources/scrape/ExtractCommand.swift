import ArgumentParser
import CommandSupport
import ScrapeCore
import ScrapePages

/// `scrape extract PAGE.html… --field …`: fields and metadata from saved pages, offline.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Run --field and --metadata extraction on saved HTML files, one JSON line per file (no network).",
        discussion: """
            The way to write and check selectors on a page saved from a browser before running \
            them on a site. Each file gives one record, in the order given: \
            {"file","url","title","fields",["metadata",]"error"}; a file that cannot be read \
            gets error.kind "read" and the others still run. Relative URLs (::url) resolve \
            against the page's <base href>, else --base-url, else the file's own file:// URL. \
            A file is read as HTML; its encoding is sniffed as a response's (BOM, <meta>, else \
            UTF-8) unless --charset names it (an unknown label is ignored, as a browser ignores an \
            unknown HTTP charset). Exit status 0 even when a file is unreadable (its \
            record says so); 2 for a bad --field.

            Examples:
              scrape extract page.html --field 'title=h1' --field 'links[]=a::url(href)'
              scrape extract saved/*.html --field 'n=xpath:count(//a)' -o counts.jsonl
              find saved -name '*.html' | scrape extract --files-from - --field 'h=h1'
              scrape extract product.html --metadata --base-url https://shop.example/p/42
            """
    )

    @Argument(help: ArgumentHelp("Saved HTML files.", valueName: "file"))
    var files: [String] = []

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Also read the files named in this list, one path per line (- for stdin): for thousands of files, which as arguments cost the argument parser time that grows with their square.",
            valueName: "list"))
    var filesFrom: String?

    @Option(
        name: .customLong("field"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "A field, repeatable, as scrape run takes it: NAME=css:SELECTOR, NAME=SELECTOR or NAME=xpath:EXPR; NAME[] takes every match.",
            valueName: "name=spec"))
    var fields: [String] = []

    @Flag(help: "Add each page's metadata: JSON-LD blocks, OpenGraph and Twitter properties, <meta name> pairs, the canonical link.")
    var metadata = false

    @Option(parsing: .unconditional, help: ArgumentHelp("The URL the pages were saved from: the base of their relative URLs (default: each file's file:// URL).", valueName: "url"))
    var baseURL: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The files' encoding label (utf-8, windows-1252, shift_jis…), as an HTTP charset would give it.", valueName: "label"))
    var charset: String?

    @Option(name: .shortAndLong, parsing: .unconditional, help: ArgumentHelp("Output file, or - for stdout. An existing file is replaced; never an input.", valueName: "file"))
    var output: String = "-"

    func validate() throws {
        if files.isEmpty && filesFrom == nil { throw ValidationError("give saved HTML files, or --files-from LIST") }
        _ = try extraction()
    }

    func run() throws {
        let options = FileExtraction.Options(files: try allFiles(), output: output, extraction: try extraction(), baseURL: baseURL, charset: charset)
        do throws(FileExtraction.Failure) {
            _ = try FileExtraction(options: options).run()
        } catch {
            switch error {
            case .output(let output) where output.kind == .closedPipe: throw ExitCode(ScrapeCommand.Status.closedPipe)
            case .output(let output) where output.kind == .write:
                Terminal.error("scrape extract: \(error)")
                throw ExitCode(ScrapeCommand.Status.outputFailed)
            default:
                Terminal.error("scrape extract: \(error)")
                throw ExitCode(ScrapeCommand.Status.usage)
            }
        }
    }

    /// The files as arguments, then those `--files-from` names (blank lines skipped).
    private func allFiles() throws -> [String] {
        guard let filesFrom else { return files }
        guard let list = FileContents.read(filesFrom == "-" ? "/dev/stdin" : filesFrom, limit: 256 * 1024 * 1024) else {
            Terminal.error("scrape extract: cannot read --files-from \(filesFrom)")
            throw ExitCode(ScrapeCommand.Status.usage)
        }
        return files + list.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init).filter { !$0.isEmpty }
    }

    /// `--field` and `--metadata` through the reader `scrape run` uses, compiled.
    private func extraction() throws -> ScrapeConfiguration.Extraction {
        do throws(ConfigurationError) {
            return try ScrapeConfiguration.Extraction(flags: fields, metadata: metadata)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

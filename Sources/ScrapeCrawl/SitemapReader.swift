import ScrapeBase
import ScrapeHTML
import ScrapeHTTP

/// `--sitemaps`: the sitemaps of each seed's origin, read before the crawl starts. Where
/// they are: the `Sitemap:` lines of the origin's robots.txt (read even with
/// `--ignore-robots`: they are a list, not a rule), else `/sitemap.xml`. Indexes are
/// followed (5 levels, 1,000 files a crawl at most); XML and plain-text sitemaps; gzip
/// by its magic number, `max_body` counting the inflated bytes.
///
/// A URL a sitemap lists becomes a seed (depth 0, its referrer the sitemap file that
/// lists it, not the index) when it is in the scope of a seed of the origin that listed
/// it and passes `--allow`/`--deny`. These requests go straight to the client, outside
/// the scheduler's rates: a handful per origin, before any page.
struct SitemapReader {
    let client: HTTPClient
    let settings: CrawlSettings
    let maxBody: Int
    static let maxFiles = 1000
    static let maxLevels = 5

    /// One URL a sitemap listed.
    struct Find: Sendable {
        let url: CrawlURL
        /// The sitemap file that lists it.
        let sitemap: String
        /// The seed whose scope it is in.
        let seed: Int
    }

    /// What reading gave: the finds, the files read, and why some could not be.
    struct Report: Sendable {
        var finds: [Find] = []
        var files = 0
        var problems: [String] = []
    }

    func read() async -> Report {
        var report = Report()
        var seedsByOrigin: [(origin: String, seeds: [Int])] = []
        for (index, seed) in settings.seeds.enumerated() {
            if let at = seedsByOrigin.firstIndex(where: { $0.origin == seed.origin }) {
                seedsByOrigin[at].seeds.append(index)
            } else {
                seedsByOrigin.append((seed.origin, [index]))
            }
        }
        var seen: Set<String> = []
        for (origin, seeds) in seedsByOrigin {
            var queue = await robotsSitemaps(origin).map { (url: $0, level: 0) }
            if queue.isEmpty { queue = [(origin + "/sitemap.xml", 0)] }
            while !queue.isEmpty, report.files < Self.maxFiles {
                let (url, level) = queue.removeFirst()
                guard seen.insert(url).inserted else { continue }
                guard let document = await fetch(url, problems: &report.problems) else { continue }
                report.files += 1
                if document.isIndex {
                    if level < Self.maxLevels { queue += document.locations.map { (absolute($0, against: url), level + 1) } }
                    continue
                }
                for location in document.locations {
                    guard case .url(let found) = CrawlURL.parse(absolute(location, against: url)), settings.admits(found.href) else { continue }
                    guard let seed = seeds.first(where: { SeedScope(scope: settings.scope, seed: settings.seeds[$0]).contains(found) }) else { continue }
                    report.finds.append(Find(url: found, sitemap: url, seed: seed))
                }
            }
        }
        return report
    }

    /// `location` resolved against the file that gave it (sitemaps should hold absolute URLs).
    private func absolute(_ location: String, against file: String) -> String {
        WebURL(location, base: WebURL(file))?.href ?? location
    }

    /// The `Sitemap:` lines of `origin`'s robots.txt; none when it cannot be read.
    private func robotsSitemaps(_ origin: String) async -> [String] {
        let robots = origin + "/robots.txt"
        guard let response = try? await client.execute(FetchRequest(url: robots)), (200..<300).contains(response.status) else { return [] }
        var found: [String] = []
        for line in String(decoding: response.body, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            guard line[..<colon].trimmingCharacters(in: " \t").lowercased() == "sitemap" else { continue }
            var value = line[line.index(after: colon)...]
            if let comment = value.firstIndex(of: "#") { value = value[..<comment] }
            let text = value.trimmingCharacters(in: " \t\r")
            if !text.isEmpty { found.append(absolute(text, against: robots)) }
        }
        return found
    }

    /// One sitemap file, inflated when gzipped; nil (with a problem noted) when it cannot be read.
    private func fetch(_ url: String, problems: inout [String]) async -> SitemapDocument? {
        let response: FetchResponse
        do {
            response = try await client.execute(FetchRequest(url: url))
        } catch {
            problems.append("sitemap \(url): \(error)")
            return nil
        }
        guard (200..<300).contains(response.status) else {
            problems.append("sitemap \(url): HTTP status \(response.status)")
            return nil
        }
        guard Gunzip.isGzip(response.body) else { return SitemapDocument(bytes: response.body) }
        do throws(Gunzip.Failure) {
            return SitemapDocument(bytes: try Gunzip.inflate(response.body, limit: maxBody))
        } catch {
            switch error {
            case .tooLarge: problems.append("sitemap \(url): larger than max_body (\(maxBody) bytes) once inflated")
            case .corrupt(let reason): problems.append("sitemap \(url): not a gzip file (\(reason))")
            }
            return nil
        }
    }
}

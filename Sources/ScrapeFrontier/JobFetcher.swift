import ScrapeCore
import ScrapeCrawl
import ScrapeHTTP
import ScrapePages

/// How a worker fetches one job's URLs: the page pipeline with the job's robots.txt
/// choice and its fields and metadata compiled (once per job and worker), and what the
/// job's records must hold; for a crawl job, the link stage of `scrape crawl`.
struct JobFetcher: Sendable {
    let pipeline: PagePipeline
    /// The job's fields and metadata: records made without a page get their keys, null.
    let extraction: ScrapeConfiguration.Extraction
    /// A crawl job's links: nil for a list job.
    let crawl: Crawl?

    /// What a crawl job takes from each page besides its record: its links, sorted by the
    /// rules of the seed that reached it.
    struct Crawl: Sendable {
        /// Title, fields, metadata and links from one parse, as `scrape crawl` takes them.
        let stage: CrawlBodyStage
        let scope: CrawlScope
    }

    /// - Parameter robots: the fleet's robots.txt cache, used when the job obeys it.
    /// - Throws: ``FrontierError/invalidFields(job:message:)`` when the job's stored fields
    ///   or crawl rules do not compile here (`add` checks them, so only a database written
    ///   otherwise).
    /// - Parameter session: the job's headers and cookie jar in this worker.
    /// - Parameter login: the job's login session in this worker, not yet logged in.
    init(job: FrontierJob, client: HTTPClient, robots: RobotsCache, session: RequestDefaults = .none, login: LoginSession? = nil) throws(FrontierError) {
        do throws(ConfigurationError) {
            extraction = try job.extraction()
            pipeline = PagePipeline(
                client: client, robots: job.obeyRobots ? robots : nil, extractor: try extraction.pageExtractor(), extraction: extraction,
                session: session, login: login)
        } catch {
            throw .invalidFields(job: job.name, message: error.description)
        }
        do {
            guard let settings = try job.crawlSettings() else {
                crawl = nil
                return
            }
            let stage = CrawlBodyStage(
                extractor: try CrawlBodyStage.extractor(for: extraction), extraction: extraction, filter: LinkFilter(settings: settings))
            crawl = Crawl(stage: stage, scope: settings.scope)
        } catch {
            throw .invalidFields(job: job.name, message: "crawl rules: \(error)")
        }
    }
}

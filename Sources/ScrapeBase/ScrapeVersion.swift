/// The release of scrape, in one place: the default `User-Agent` (`scrape/1.0`, whose
/// product token picks a robots.txt group) and `--version` are built from it.
public enum ScrapeVersion {
    /// The version number, e.g. `1.0`.
    public static let number = "1.0"

    /// What `scrape --version` prints: our version and the libcurl in use.
    public static var description: String {
        "scrape \(number) (libcurl \(HTTPClient.curlVersion))"
    }
}

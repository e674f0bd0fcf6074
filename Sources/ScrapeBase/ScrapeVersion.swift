/// The release of scrape, in one place: the default `User-Agent` (`scrape/1.0`, whose
/// product token picks a robots.txt group) and `--version` are built from it.
public enum ScrapeVersion {
    /// The version number, e.g. `1.0`.
    public static let number = "1.0"

    /// What `--version` prints: `scrape 1.0 (libcurl 7.88.1)`, given the libcurl in use
    /// (`HTTPClient.curlVersion`; this module sits below the HTTP client).
    public static func description(curl: String) -> String {
        "scrape \(number) (libcurl \(curl))"
    }
}

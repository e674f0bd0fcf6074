import ArgumentParser
import ScrapeCore

/// `--proxy`, `--proxies`, `--no-proxy` and `--proxy-rotation`: the flags of the `http:`
/// proxy keys, read by the same code (`ScrapeConfiguration+Proxy.swift`), so flag and key
/// accept and refuse the same. A flag replaces the config file's setting.
struct ProxyOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Send every request through this proxy: http://, https://, socks5:// or socks5h://, credentials as user:password@; "
                + "none goes direct even when the environment names a proxy (default: http_proxy, https_proxy, all_proxy and no_proxy, as curl).",
            valueName: "url"))
    var proxy: String?

    @Option(help: ArgumentHelp("A pool of proxies: a file with one proxy URL a line (blank and # lines skipped).", valueName: "file"))
    var proxies: String?

    @Option(
        help: ArgumentHelp(
            "Hosts that go direct, as curl's --noproxy: a.com,.b.org,10.0.0.0/8, or * for all (default: the environment's no_proxy).",
            valueName: "hosts"))
    var noProxy: String?

    @Option(help: ArgumentHelp("How a pool picks: request (the next healthy proxy each request) or host (a host keeps its proxy).", valueName: "how"))
    var proxyRotation: String?

    /// Applies the flags given over `settings`.
    func apply(to settings: inout ScrapeConfiguration.HTTP.ProxySettings) throws {
        do throws(ConfigurationError) {
            if proxy != nil, proxies != nil { throw ConfigurationError(key: "--proxies", message: "give either --proxy or --proxies, not both") }
            if let proxy { try settings.setProxy(proxy, source: "--proxy") }
            if let proxies { try settings.setPool(file: proxies, source: "--proxies") }
            if let noProxy { try settings.setNoProxy(noProxy, source: "--no-proxy") }
            if let proxyRotation { try settings.setRotation(proxyRotation, source: "--proxy-rotation") }
        } catch {
            throw ValidationError(error.description)
        }
    }
}

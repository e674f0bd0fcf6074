import Testing
@testable import ScrapeHTML
struct SelectorProbeTests {
    @Test func probe() {
        let clock = ContinuousClock()
        var t = clock.now
        let document = SelectorScaleTests.deepDocument()
        print("build", clock.now - t)
        for s in ["div", "p div", "span div", ".y div", "body > div", "div div", ".x > div", ".x img", "div:has(img)", "div:has(> img)", "div:has(span)", ":not(.x) > .x", "div:first-child:last-child", "img:root, body img", "*"] {
            t = clock.now
            let n = SelectorScaleTests.count(s, in: document)
            print(s, n, clock.now - t)
        }
    }
}

import ScrapeCore
import Testing

/// The `resolve:` chain of api jobs: parents, ancestors, what a selection needs, the check.
struct JobLineageTests {
    /// A scrape job `list`, then api jobs named `name: parent` (`name: ""` for none), built
    /// by hand so a broken chain can be too: ``JobLineage/check()`` is what refuses it.
    private func jobs(_ links: KeyValuePairs<String, String>) throws -> [ScrapeConfiguration.Job] {
        let template = try ScrapeConfiguration(
            yaml: "jobs:\n  - {name: list, scrape: {urls_file: urls.txt}}\n  - {name: t, api: {base_url: \"http://api.test/\"}}\n")
        guard case .api(let api) = template.jobs[1].source else { preconditionFailure("not an api job") }
        return [template.jobs[0]]
            + links.map { name, parent in
                var job = template.jobs[1]
                var linked = api
                linked.resolve = parent.isEmpty ? [] : [.init(param: "p", job: parent, field: .root)]
                job.name = name
                job.source = .api(linked)
                return job
            }
    }

    @Test func ancestorsAreNearestFirst() throws {
        let lineage = JobLineage(try jobs(["items": "orders", "users": "", "orders": "users"]))
        #expect(lineage.parent(of: 1) == 3)
        #expect(lineage.parent(of: 2) == nil)
        #expect(lineage.ancestors(of: 1) == [3, 2])
        #expect(lineage.children(of: 2) == [3])
        #expect(lineage.parent(of: 0) == nil)  // a scrape job has none
    }

    @Test func aSelectionAddsTheParentsItNeedsBreadthFirst() throws {
        // c <- b <- a and e <- d: selecting c and e adds b and d (both one step away) before a.
        let lineage = JobLineage(try jobs(["a": "", "b": "a", "c": "b", "d": "", "e": "d"]))
        let added = lineage.parents(for: [3, 5], readingBack: false)
        #expect(added.added == [2, 4, 1])
        #expect(added.readBack.isEmpty)
        let readBack = lineage.parents(for: [3, 5], readingBack: true)
        #expect(readBack.added.isEmpty)
        #expect(readBack.readBack == [2, 4])  // b's own parent is not needed then
        #expect(lineage.parents(for: [3, 2], readingBack: true).readBack == [1])  // b is selected: it runs
    }

    @Test func checkNamesTheBrokenLinkAndTheCycle() throws {
        #expect(throws: Never.self) { try JobLineage(try jobs(["a": "", "b": "a"])).check() }
        let missing = #expect(throws: ConfigurationError.self) { try JobLineage(try jobs(["a": "", "b": "nobody"])).check() }
        #expect(missing?.description.contains("jobs[2].api.resolve") == true)
        #expect(missing?.description.contains("job b takes values from job nobody, which is not an api job of this file") == true)
        let scrapeParent = #expect(throws: ConfigurationError.self) { try JobLineage(try jobs(["a": "list"])).check() }
        #expect(scrapeParent?.description.contains("job a takes values from job list") == true)
        let cycle = #expect(throws: ConfigurationError.self) { try JobLineage(try jobs(["x": "", "a": "b", "b": "c", "c": "b"])).check() }
        #expect(cycle?.description.contains("jobs[2].api.resolve") == true)
        #expect(cycle?.description.contains("jobs a -> b -> c -> b form a cycle") == true)
        let own = #expect(throws: ConfigurationError.self) { try JobLineage(try jobs(["a": "a"])).check() }
        #expect(own?.description.contains("jobs a -> a form a cycle") == true)
    }
}

import ScrapeCore
import Testing

/// `fields:` and `metadata:` in config files and `--field`'s NAME=SPEC reader (issue 26).
struct ExtractionConfigurationTests {
    private func names(_ extraction: ScrapeConfiguration.Extraction) -> [String] { extraction.fields.map(\.name) }

    @Test func aMappingOfNamesToSpecs() throws {
        let configuration = try ScrapeConfiguration(yaml: """
            fields:
              title: h1
              "links[]": a::url(href)
              price: "xpath://span[@class='price']"
              main: "#main h1"
            metadata: true
            """)
        let extraction = configuration.extraction
        #expect(names(extraction) == ["title", "links[]", "price", "main"])
        #expect(extraction.fields.map(\.spec) == ["h1", "a::url(href)", "xpath://span[@class='price']", "#main h1"])
        #expect(extraction.fields.map(\.key) == ["title", "links", "price", "main"])
        #expect(extraction.fields[1].source == "fields.links[]")
        #expect(extraction.fields[1].line == 3)
        #expect(extraction.metadata)
    }

    @Test func aListOfNameEqualsSpecStrings() throws {
        let configuration = try ScrapeConfiguration(yaml: """
            fields:
              - title=h1
              - "h2[]=css:h2"
              - n=xpath:count(//a[@href='x=y'])
            """)
        #expect(names(configuration.extraction) == ["title", "h2[]", "n"])
        #expect(configuration.extraction.fields[2].spec == "xpath:count(//a[@href='x=y'])")
        #expect(configuration.extraction.fields[1].source == "fields[1]")
        #expect(!configuration.extraction.metadata)
    }

    @Test func withoutTheKeysNothingIsAsked() throws {
        let configuration = try ScrapeConfiguration(yaml: "http:\n  retries: 1\n")
        #expect(configuration.extraction.isEmpty)
        #expect(configuration.extraction == ScrapeConfiguration.Extraction())
    }

    @Test(arguments: [
        ("fields:\n  - title\n", "line 2: fields[0]: field 'title': expected NAME=SPEC (css:SELECTOR, SELECTOR or xpath:EXPRESSION)"),
        ("fields:\n  - =h1\n", "line 2: fields[0]: field '=h1': the NAME before '=' is empty"),
        ("fields:\n  - \"[]=h1\"\n", "line 2: fields[0]: field '[]=h1': the NAME before '=' is empty"),
        ("fields:\n  - h1=\n", "line 2: fields[0]: field 'h1': the SPEC after '=' is empty"),
        ("fields:\n  - h2=h2\n  - h2[]=h2\n", "line 3: fields[1]: field 'h2': given twice (also at fields[0])"),
        ("fields:\n  h2: h2\n  \"h2[]\": h2\n", "line 3: fields.h2[]: field 'h2': given twice (also at fields.h2)"),
        ("fields: h1\n", "line 1: fields: expected a mapping of field names to selectors, or a list of NAME=SPEC strings"),
        ("fields:\n  - [a, b]\n", "line 2: fields[0]: expected a NAME=SPEC string"),
        ("fields:\n  \"a=b\": h1\n", "line 2: fields.a=b: field 'a=b': a NAME cannot hold '='"),
        ("fields:\n  title:\n", "line 2: fields.title: field 'title': the SPEC after '=' is empty"),
        ("metadata: maybe\n", "line 1: metadata: expected true or false, got \"maybe\""),
        ("field:\n  - a=b\n", "line 1: field: unknown key"),
    ])
    func badEntriesNameTheKeyAndLine(yaml: String, message: String) {
        #expect {
            try ScrapeConfiguration(yaml: yaml)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func flagsReplaceTheFilesFieldOfTheSameKeyInPlace() throws {
        var file = ScrapeConfiguration.Extraction()
        try file.add("title=h1", source: "fields[0]")
        try file.add("h2=h2", source: "fields[1]")
        var flags = ScrapeConfiguration.Extraction()
        try flags.add("h2[]=h2.x", source: "--field")
        try flags.add("next=a::url(href)", source: "--field")
        flags.metadata = true
        let merged = file.overridden(by: flags)
        #expect(names(merged) == ["title", "h2[]", "next"])
        #expect(merged.fields[1].spec == "h2.x")
        #expect(merged.fields[1].source == "--field")
        #expect(merged.metadata)
        #expect(!file.overridden(by: ScrapeConfiguration.Extraction()).metadata)
    }

    @Test func theFirstEqualsSignEndsTheName() throws {
        var extraction = ScrapeConfiguration.Extraction()
        try extraction.add("x=a[href=\"b=c\"]::attr(href)", source: "--field")
        #expect(extraction.fields[0].name == "x")
        #expect(extraction.fields[0].spec == "a[href=\"b=c\"]::attr(href)")
        #expect(extraction.fields[0].text == "x=a[href=\"b=c\"]::attr(href)")
    }

    @Test func scrapeJobsTakeFieldsAndMetadata() throws {
        let configuration = try ScrapeConfiguration(yaml: """
            jobs:
              - name: products
                scrape:
                  urls_file: urls.txt
                  fields:
                    price: .price::text
                  metadata: true
            """)
        let job = try #require(configuration.jobs.first)
        #expect(job.extraction.fields.map(\.text) == ["price=.price::text"])
        #expect(job.extraction.fields[0].source == "jobs[0].scrape.fields.price")
        #expect(job.extraction.metadata)
    }
}

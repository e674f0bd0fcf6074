import Foundation
@testable import ScrapeHTML
import Testing

/// Our own tree-construction cases, in the html5lib `.dat` notation, under
/// `Fixtures/tree-construction/`: every insertion mode, foreign content, the adoption
/// agency, foster parenting, and the trees parsel/scrapy users meet (issue 26).
struct TreeConstructionTests {
    static let cases: [TreeConstructionCase] = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tree-construction")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".dat") }.sorted() ?? []
        return files.flatMap { TreeConstructionCase.load(directory.appendingPathComponent($0)) }
    }()

    @Test func theCasesAreThere() {
        #expect(Self.cases.count >= 150)
    }

    @Test(arguments: cases)
    func treeIsWhatTheStandardBuilds(_ testCase: TreeConstructionCase) {
        let actual = testCase.actualDump()
        if ProcessInfo.processInfo.environment["TREE_FIXTURE_PRINT"] != nil, actual != testCase.document {
            let record = ["file": testCase.file, "index": String(testCase.index), "actual": actual]
            if let json = try? JSONSerialization.data(withJSONObject: record), let line = String(data: json, encoding: .utf8) {
                print("ACTUAL-JSON " + line)
            }
        }
        #expect(actual == testCase.document)
        if testCase.fragmentContext == nil {
            #expect(elementNumbersFollowDocumentOrder(testCase.parsedDocument()))
        }
    }
}

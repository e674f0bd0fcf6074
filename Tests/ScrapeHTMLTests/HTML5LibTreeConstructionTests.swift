import Foundation
@testable import ScrapeHTML
import Testing

/// Every `tree-construction/*.dat` file of an html5lib-tests checkout, when the
/// HTML5LIB_TESTS environment variable points at one (the data is never committed here).
/// Document and fragment cases, scripting on unless a case says `#script-off`. Prints
/// passed/failed per file and the total; fails if any case fails.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HTML5LIB_TESTS"] != nil))
struct HTML5LibTreeConstructionTests {
    @Test func allTreeConstructionFiles() throws {
        let root = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["HTML5LIB_TESTS"]))
            .appendingPathComponent("tree-construction")
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".dat") }.sorted()
        var passed = 0
        var failed = 0
        var orderErrors = 0
        let verbose = ProcessInfo.processInfo.environment["HTML5LIB_VERBOSE"] != nil
        for file in files {
            var filePassed = 0
            var fileFailed = 0
            for testCase in TreeConstructionCase.load(root.appendingPathComponent(file)) {
                let actual = testCase.actualDump()
                if testCase.fragmentContext == nil, !elementNumbersFollowDocumentOrder(testCase.parsedDocument()) {
                    orderErrors += 1
                    print("ORDER \(testCase.file)#\(testCase.index): element numbers out of document order")
                }
                if actual == testCase.document {
                    filePassed += 1
                } else {
                    fileFailed += 1
                    if verbose {
                        print("FAIL \(testCase.file)#\(testCase.index)\n#data\n\(testCase.data)\n#expected\n\(testCase.document)\n#actual\n\(actual)\n")
                    }
                }
            }
            print("html5lib \(file): \(filePassed) passed, \(fileFailed) failed")
            passed += filePassed
            failed += fileFailed
        }
        print("html5lib tree-construction total: \(passed) passed, \(failed) failed")
        #expect(failed == 0)
        #expect(orderErrors == 0)
    }
}

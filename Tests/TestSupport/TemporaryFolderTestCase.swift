import Foundation
import XCTest

/// A test case with a fresh temporary folder, removed after each test.
open class TemporaryFolderTestCase: XCTestCase {
    public private(set) var folder: URL!

    override open func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("scalebench-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override open func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    public func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

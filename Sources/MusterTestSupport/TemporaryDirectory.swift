import Foundation

/// A uniquely named directory under the system's temporary directory, for tests that need real files.
///
/// Call ``remove()`` when done, or use ``withTemporaryDirectory(_:)``, which removes it however the body ends.
package struct TemporaryDirectory: Sendable {
    /// The directory's absolute path.
    package let path: String

    /// Creates a new empty directory.
    /// - Parameter prefix: The start of its name, to tell test directories apart.
    /// - Throws: A file-system error when it cannot be created.
    package init(prefix: String = "muster-test") throws {
        let name = "\(prefix)-\(UUID().uuidString)"
        path = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(name, isDirectory: true).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    package func appending(_ name: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(name).path
    }

    /// Removes the directory and everything in it; a directory already gone is not an error.
    package func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body` with a new temporary directory and removes the directory afterwards, even when `body` throws.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, or a file-system error creating the directory.
package func withTemporaryDirectory<T>(
    prefix: String = "muster-test", _ body: (TemporaryDirectory) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { directory.remove() }
    return try await body(directory)
}

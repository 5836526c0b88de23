/// The bytes of a CSV file to import, readable from the start more than once (a check pass, then the import).
package protocol ImportSource: Sendable {
    /// The file's size in bytes (for progress).
    var byteCount: Int { get }
    /// Calls `body` with consecutive chunks of the whole file, from the start.
    func readChunks(_ body: ([UInt8]) async throws -> Void) async throws
}

/// A file held in memory (ThingsBoard's JSON endpoint, whose body carries the whole file).
package struct InMemoryImportSource: ImportSource {
    private let bytes: [UInt8]
    private let chunkSize: Int

    package init(_ bytes: [UInt8], chunkSize: Int = 1 << 20) {
        self.bytes = bytes
        self.chunkSize = chunkSize
    }

    package var byteCount: Int { bytes.count }

    package func readChunks(_ body: ([UInt8]) async throws -> Void) async throws {
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            try await body(Array(bytes[start..<end]))
            start = end
        }
    }
}

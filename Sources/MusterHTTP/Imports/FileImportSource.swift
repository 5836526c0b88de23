import Foundation
import MusterCore

/// An uploaded CSV spooled to a file, read in 1 MiB chunks (never held in memory whole).
struct FileImportSource: ImportSource {
    let path: String
    let byteCount: Int

    init(path: String) throws {
        self.path = path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        self.byteCount = (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    func readChunks(_ body: ([UInt8]) async throws -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            try await body(Array(data))
        }
    }
}

/// This node's spool directory (`<data>/imports`): an upload is streamed to `upload-<random>.csv`, then renamed
/// `<job>.csv` once its job is registered, and deleted when the job ends here.
package struct ImportSpool: Sendable {
    package let directory: String

    package init(directory: String) {
        self.directory = directory
    }

    /// The spool file of job `id`.
    package func path(of id: UUID) -> String { "\(directory)/\(id.lowercasedString).csv" }

    /// Deletes every job spool file whose job is not in `running` (jobs that ended, or that a stopped process of
    /// this node left), and the errors files of earlier versions; with `uploads`, also the uploads in progress
    /// (`upload-*.csv`, at start, when none can be).
    package func sweep(keeping running: Set<UUID>, uploads: Bool) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasSuffix(".csv") {
            let stem = String(name.dropLast(4))
            let remove: Bool
            if stem.hasPrefix("upload-") {
                remove = uploads
            } else if stem.hasSuffix(".errors") {
                remove = true
            } else if let id = UUID(uuidString: stem) {
                remove = !running.contains(id)
            } else {
                remove = false
            }
            if remove { try? FileManager.default.removeItem(atPath: "\(directory)/\(name)") }
        }
    }
}

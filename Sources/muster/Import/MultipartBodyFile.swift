import Foundation

/// A `multipart/form-data` body for `POST /api/imports`, written to a temporary file by copying the CSV in chunks,
/// so that the upload streams from disk and the CSV is never held in memory.
struct MultipartBodyFile: Sendable {
    /// The temporary file holding the whole body.
    let url: URL
    /// The part separator (random, so it cannot occur in the CSV by chance).
    let boundary: String

    /// The request's `Content-Type`.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Writes the body: the `mapping` part (JSON), then the `file` part (the CSV, as `text/csv`).
    /// - Parameters:
    ///   - mapping: The mapping JSON.
    ///   - csv: The CSV file to copy.
    ///   - directory: Where to put the temporary file.
    ///   - chunkSize: How many bytes to copy at a time.
    /// - Returns: The written body; call ``remove()`` when done with it.
    /// - Throws: ``ImportClientError/unreadableFile(path:reason:)`` or ``ImportClientError/localFile(path:reason:)``.
    static func write(
        mapping: Data, csv: URL, directory: URL = FileManager.default.temporaryDirectory, chunkSize: Int = 1 << 20
    ) throws(ImportClientError) -> MultipartBodyFile {
        let boundary = "muster-\(UUID().uuidString)"
        let url = directory.appendingPathComponent("muster-import-\(UUID().uuidString).multipart")
        let input: FileHandle
        do { input = try FileHandle(forReadingFrom: csv) } catch {
            throw .unreadableFile(path: csv.path, reason: error.localizedDescription)
        }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let output = try? FileHandle(forWritingTo: url)
        else { throw .localFile(path: url.path, reason: "cannot create the temporary upload file") }
        defer { try? output.close() }
        let body = MultipartBodyFile(url: url, boundary: boundary)
        do {
            try output.write(contentsOf: Data(body.head(mapping: mapping, filename: csv.lastPathComponent).utf8))
            while let chunk = try readChunk(input, chunkSize: chunkSize, path: csv.path), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
            try output.write(contentsOf: Data("\r\n--\(boundary)--\r\n".utf8))
        } catch let error as ImportClientError {
            body.remove()
            throw error
        } catch {
            body.remove()
            throw .localFile(path: url.path, reason: error.localizedDescription)
        }
        return body
    }

    /// Deletes the temporary file.
    func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Everything before the CSV bytes: the whole `mapping` part and the `file` part's headers.
    private func head(mapping: Data, filename: String) -> String {
        let safeName = filename.map { $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\\" ? "_" : String($0) }.joined()
        return "--\(boundary)\r\n"
            + "Content-Disposition: form-data; name=\"mapping\"\r\n"
            + "Content-Type: application/json\r\n\r\n"
            + String(decoding: mapping, as: UTF8.self) + "\r\n"
            + "--\(boundary)\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"\(safeName)\"\r\n"
            + "Content-Type: text/csv\r\n\r\n"
    }

    private static func readChunk(_ input: FileHandle, chunkSize: Int, path: String) throws(ImportClientError) -> Data?
    {
        do { return try input.read(upToCount: chunkSize) } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
    }
}

import Foundation
import Hummingbird
import MusterCore
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The import job API: `POST /api/imports` (multipart upload, streamed to a spool file), `GET /api/imports[/{id}]`,
/// `GET /api/imports/{id}/errors.csv`, `DELETE /api/imports/{id}` (cancel).
struct ImportJobRoutes {
    let jobs: ImportJobQueue
    let auditor: AdminAuditor
    let directory: String
    let maxFileSize: Int
    let clock: any WallClock

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.post("/api/imports") { request, context in try await upload(request, context) }
        router.get("/api/imports") { _, context in
            let tenantId = try context.requireTenant()
            let now = clock.nowMilliseconds()
            let list = try await jobs.registry.jobs(tenantId: tenantId)
            return try JSONBody.response(list.map { ImportJobDTO($0, now: now) })
        }
        router.get("/api/imports/:id") { _, context in
            let job = try await find(context)
            return try JSONBody.response(ImportJobDTO(job, now: clock.nowMilliseconds()))
        }
        router.delete("/api/imports/:id") { _, context in
            let tenantId = try context.requireTenant()
            let id = try context.uuidParameter("id")
            guard let job = try await jobs.registry.cancel(id, tenantId: tenantId) else { throw RequestError.notFound }
            return try JSONBody.response(ImportJobDTO(job, now: clock.nowMilliseconds()))
        }
        router.get("/api/imports/:id/errors.csv") { _, context in
            let job = try await find(context)
            let store = jobs.registry.store
            // Read from the store (the job may run on another node) a page at a time and streamed: a million
            // failed rows must not be held in memory.
            let body = ResponseBody { writer in
                var after = Int.min
                while true {
                    let rows = try await store.importFailedRows(jobId: job.id, after: after, limit: Self.errorsPage)
                    guard let last = rows.last else { break }
                    var buffer = ByteBuffer()
                    for row in rows {
                        buffer.writeString(row.text)
                        buffer.writeString("\r\n")
                    }
                    try await writer.write(buffer)
                    after = last.sequence
                }
                try await writer.finish(nil)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"import-\(job.id.lowercasedString)-errors.csv\"",
                ],
                body: body
            )
        }
    }

    /// Failed rows read per page of the errors CSV.
    static let errorsPage = 2_000

    private func find(_ context: MusterRequestContext) async throws -> ImportJob {
        let tenantId = try context.requireTenant()
        let id = try context.uuidParameter("id")
        guard let job = try await jobs.registry.job(id, tenantId: tenantId) else { throw RequestError.notFound }
        return job
    }

    /// Streams the multipart body: the `mapping` part is kept (64 KiB at most), the `file` part goes to a spool
    /// file; then the job is queued and answered with 202.
    private func upload(_ request: Request, _ context: MusterRequestContext) async throws -> Response {
        let tenantId = try context.requireTenant()
        guard let contentType = request.headers[.contentType], let boundary = MultipartReader.boundary(contentType: contentType) else {
            throw RequestError.invalidBody("expected multipart/form-data with a 'mapping' part and a 'file' part")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SpoolWriteError("create the spool directory", error: error)
        }
        let spoolPath = "\(directory)/upload-\(UUID().uuidString.lowercased()).csv"
        let descriptor = open(spoolPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SpoolWriteError("create the upload file", code: errno) }
        var keepSpool = false
        // A failed upload (a full disk, say) leaves no partial file behind.
        defer { if !keepSpool { try? FileManager.default.removeItem(atPath: spoolPath) } }
        let spool = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var reader = MultipartReader(boundary: boundary)
        var current: String?
        var mappingBytes: [UInt8] = []
        var fileBytes = 0
        var sawFile = false
        var fileName: String?
        // A write that failed (a full disk): the rest of the body is still read (within the size limit) and
        // dropped, so that the client, still sending, reads the 507 instead of a reset connection.
        var spoolFailure: SpoolWriteError?
        do {
            defer { try? spool.close() }
            for try await buffer in request.body {
                for event in try reader.feed(buffer.readableBytesView) {
                    switch event {
                    case .partStart(let name, let partFileName):
                        current = name
                        if name == "file" {
                            sawFile = true
                            fileName = partFileName
                        }
                    case .partData(let bytes) where current == "mapping":
                        mappingBytes += bytes
                        guard mappingBytes.count <= 64 * 1024 else { throw RequestError.invalidBody("the mapping part is larger than 64 KiB") }
                    case .partData(let bytes) where current == "file":
                        fileBytes += bytes.count
                        guard fileBytes <= maxFileSize else { throw RequestError.bodyTooLarge(limit: maxFileSize) }
                        guard spoolFailure == nil else { break }
                        do {
                            try spool.write(contentsOf: bytes)
                        } catch {
                            spoolFailure = SpoolWriteError("write the upload", error: error)
                            // Gives the space back at once; the file itself goes when the request ends.
                            try? spool.truncate(atOffset: 0)
                        }
                    case .partData, .partEnd:
                        break
                    }
                }
            }
            try reader.finish()
        } catch let failure as MultipartReader.Failure {
            throw RequestError.invalidBody("malformed multipart body (\(failure))")
        }
        if let spoolFailure { throw spoolFailure }
        guard !mappingBytes.isEmpty else { throw RequestError.invalidBody("missing the 'mapping' part") }
        guard sawFile else { throw RequestError.invalidBody("missing the 'file' part") }
        let dto: ImportMappingDTO
        do {
            dto = try JSONDecoder().decode(ImportMappingDTO.self, from: Data(mappingBytes))
        } catch {
            throw RequestError.invalidBody("the mapping part is not a valid mapping JSON (\(error))")
        }
        guard let entityType = dto.entityType else { throw RequestError.invalidParameter(name: "mapping.entityType", reason: "is required (DEVICE or ASSET)") }
        let mapping = try dto.mapping(entityType: entityType)

        // The job is this node's from here on, so the spool sweeper leaves its file alone.
        let job = try await jobs.registry.start(
            tenantId: tenantId, entityType: entityType, dryRun: dto.dryRun ?? false, bytesTotal: fileBytes)
        let filePath = ImportSpool(directory: directory).path(of: job.id)
        let source: FileImportSource
        do {
            try FileManager.default.moveItem(atPath: spoolPath, toPath: filePath)
            keepSpool = true
            source = try FileImportSource(path: filePath)
        } catch {
            try? await jobs.registry.fail(job.id, reason: "the upload could not be stored")
            jobs.registry.release(job.id)
            try? FileManager.default.removeItem(atPath: filePath)
            throw error
        }
        let (actor, uploadedName) = (try context.actor(), fileName)
        await jobs.submit(ImportJobQueue.Submission(
            job: job, mapping: mapping, source: source,
            cleanup: { try? FileManager.default.removeItem(atPath: filePath) },
            ended: { [auditor] ended in
                auditor.record(
                    .imported, by: actor, on: .init(tenantId: tenantId),
                    details: AdminAuditor.importDetails(
                        file: uploadedName, entityType: entityType, job: ended ?? job))
            }
        ))
        return try JSONBody.response(ImportJobDTO(job, now: clock.nowMilliseconds()), status: .accepted)
    }
}

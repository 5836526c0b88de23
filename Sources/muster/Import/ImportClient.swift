import Foundation
import MusterCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Talks to a Muster server's job API: logs in, uploads a CSV as an import job, reads and cancels the job, and
/// downloads its failed rows. After a `401` it logs in again once and repeats the request (long imports can
/// outlive an access token).
actor ImportClient {
    private let server: URL
    private let session: URLSession
    private var credentials: (username: String, password: String)?
    private var token: String?

    /// - Parameter server: The server's base URL, without a trailing slash.
    init(server: URL) {
        self.server = server
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 600
        self.session = URLSession(configuration: configuration)
    }

    /// The URL of a job resource, e.g. `…/api/imports/{id}/errors.csv`.
    nonisolated func url(_ path: String) -> URL {
        let parts = path.split(separator: "?", maxSplits: 1)
        let base = server.appendingPathComponent(String(parts.first ?? ""))
        guard parts.count == 2 else { return base }
        return URL(string: base.absoluteString + "?" + parts[1]) ?? base
    }

    /// `POST /api/auth/login`; keeps the token for the following requests.
    /// - Throws: ``ImportClientError/loginFailed(message:)`` with the server's message, or a transport error.
    func login(username: String, password: String) async throws(ImportClientError) {
        credentials = (username, password)
        try await refreshToken()
    }

    /// Uploads the CSV as a new import job (`POST /api/imports`, `multipart/form-data`, streamed from a temporary
    /// file).
    /// - Returns: The job as the server accepted it (`202`).
    func startImport(mapping: Data, file: URL) async throws(ImportClientError) -> RemoteImportJob {
        let body = try MultipartBodyFile.write(mapping: mapping, csv: file)
        defer { body.remove() }
        let (status, data) = try await send("POST", "api/imports", contentType: body.contentType, bodyFile: body.url)
        return try decodeJob(status: status, data: data, request: "POST /api/imports")
    }

    /// `GET /api/imports/{id}`.
    func job(id: String) async throws(ImportClientError) -> RemoteImportJob {
        let (status, data) = try await send("GET", "api/imports/\(id)")
        return try decodeJob(status: status, data: data, request: "GET /api/imports/\(id)")
    }

    /// `DELETE /api/imports/{id}`: asks the server to stop the job (rows already committed stay).
    func cancel(id: String) async throws(ImportClientError) {
        let (status, data) = try await send("DELETE", "api/imports/\(id)")
        guard (200..<300).contains(status) else {
            throw Self.failure(status: status, data: data, request: "DELETE /api/imports/\(id)")
        }
    }

    /// Downloads `GET /api/imports/{id}/errors.csv` into `destination` (replacing it), streamed to disk.
    func downloadErrors(id: String, to destination: URL) async throws(ImportClientError) {
        _ = try await downloadFile("api/imports/\(id)/errors.csv", to: destination)
    }

    /// Downloads `GET /api/imports/export?query` into `destination` (replacing it), streamed to disk.
    /// - Returns: The mapping that reads the file back (its JSON, from `X-Muster-Import-Mapping`).
    func downloadExport(query: String, to destination: URL) async throws(ImportClientError) -> Data {
        let headers = try await downloadFile("api/imports/export?\(query)", to: destination)
        guard let encoded = headers["x-muster-import-mapping"], let mapping = Data(base64Encoded: encoded) else {
            throw .unexpectedResponse(request: "GET /api/imports/export", detail: "no X-Muster-Import-Mapping header")
        }
        return mapping
    }

    /// Downloads `GET path` into `destination` (replacing it), streamed to disk; returns the answer's headers.
    private func downloadFile(_ path: String, to destination: URL) async throws(ImportClientError) -> [String: String] {
        let request = "GET /\(path.split(separator: "?").first ?? "")"
        var (status, file, headers) = try await download(self.request("GET", path, contentType: nil))
        if status == 401, credentials != nil {
            try? FileManager.default.removeItem(at: file)
            try await refreshToken()
            (status, file, headers) = try await download(self.request("GET", path, contentType: nil))
        }
        defer { try? FileManager.default.removeItem(at: file) }
        guard (200..<300).contains(status) else {
            throw Self.failure(status: status, data: (try? Data(contentsOf: file)) ?? Data(), request: request)
        }
        do {
            if FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.removeItem(at: destination)
            }
            try FileManager.default.moveItem(at: file, to: destination)
        } catch {
            throw .localFile(path: destination.path, reason: error.localizedDescription)
        }
        return headers
    }

    // MARK: - Requests

    private func refreshToken() async throws(ImportClientError) {
        guard let credentials else { throw .missingCredentials }
        let body =
            (try? JSONEncoder().encode(["username": credentials.username, "password": credentials.password])) ?? Data()
        let (status, data) = try await exchange(
            request("POST", "api/auth/login", contentType: "application/json", authorized: false), body: body)
        guard status == 200 else {
            throw .loginFailed(message: Self.errorMessage(data) ?? "HTTP \(status) from POST /api/auth/login")
        }
        struct Tokens: Decodable { var token: String }
        guard let tokens = try? JSONDecoder().decode(Tokens.self, from: data) else {
            throw .unexpectedResponse(request: "POST /api/auth/login", detail: "no token in the answer")
        }
        token = tokens.token
    }

    /// Sends an authorized request; after a `401` logs in again and sends it once more.
    private func send(
        _ method: String, _ path: String, contentType: String? = nil, bodyFile: URL? = nil
    ) async throws(ImportClientError) -> (Int, Data) {
        var (status, data) = try await exchange(request(method, path, contentType: contentType), bodyFile: bodyFile)
        if status == 401, credentials != nil {
            try await refreshToken()
            (status, data) = try await exchange(request(method, path, contentType: contentType), bodyFile: bodyFile)
        }
        return (status, data)
    }

    private func request(_ method: String, _ path: String, contentType: String?, authorized: Bool = true) -> URLRequest
    {
        var request = URLRequest(url: url(path))
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if authorized, let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "X-Authorization") }
        return request
    }

    private func exchange(_ request: URLRequest, body: Data? = nil, bodyFile: URL? = nil)
        async throws(ImportClientError) -> (Int, Data)
    {
        do {
            let (data, response): (Data, URLResponse)
            if let bodyFile {
                (data, response) = try await session.upload(for: request, fromFile: bodyFile)
            } else if let body {
                (data, response) = try await session.upload(for: request, from: body)
            } else {
                (data, response) = try await session.data(for: request)
            }
            guard let http = response as? HTTPURLResponse else {
                throw ImportClientError.unexpectedResponse(
                    request: "\(request.httpMethod ?? "GET") \(request.url?.path ?? "")", detail: "not HTTP")
            }
            return (http.statusCode, data)
        } catch let error as ImportClientError {
            throw error
        } catch {
            throw .unreachable(url: server.absoluteString, reason: error.localizedDescription)
        }
    }

    private func download(_ request: URLRequest) async throws(ImportClientError) -> (Int, URL, [String: String]) {
        do {
            let (file, response) = try await session.download(for: request)
            let http = response as? HTTPURLResponse
            var headers: [String: String] = [:]
            for case (let name as String, let value as String) in http?.allHeaderFields ?? [:] {
                headers[name.lowercased()] = value
            }
            return (http?.statusCode ?? 0, file, headers)
        } catch {
            throw .unreachable(url: server.absoluteString, reason: error.localizedDescription)
        }
    }

    // MARK: - Answers

    private func decodeJob(status: Int, data: Data, request: String) throws(ImportClientError) -> RemoteImportJob {
        guard (200..<300).contains(status) else { throw Self.failure(status: status, data: data, request: request) }
        do { return try JSONDecoder().decode(RemoteImportJob.self, from: data) } catch {
            throw .unexpectedResponse(
                request: request, detail: "not an import job: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
    }

    private static func failure(status: Int, data: Data, request: String) -> ImportClientError {
        let message =
            errorMessage(data)
            ?? (data.isEmpty ? "the server refused the request" : String(decoding: data.prefix(200), as: UTF8.self))
        return .rejected(request: request, status: status, message: message)
    }

    /// The `message` of a ThingsBoard error body (`{"status","message","errorCode","timestamp"}`).
    private static func errorMessage(_ data: Data) -> String? {
        struct ErrorBody: Decodable { var message: String? }
        return (try? JSONDecoder().decode(ErrorBody.self, from: data))?.message
    }
}

import ArgumentParser
import Configuration
import Foundation
import MusterCore

/// `muster import`: bulk import of a CSV of devices or assets through a running server's job API.
///
/// The mapping is checked here first (a bad `--columns` never reaches the server); then the command logs in,
/// uploads the file as `multipart/form-data` streamed from disk, follows the job with a progress bar on standard
/// error, and prints the summary on standard output. Exit status: 0 when every row was imported, 1 when a row
/// failed, the job failed or was cancelled, or a request failed; usage errors exit with ArgumentParser's
/// validation status (64, `EX_USAGE`).
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a CSV of devices or assets into a running server.",
        discussion: """
            Each --columns entry maps one CSV column, in file order: name, type, label, description, gateway, token, \
            x509, mqtt-client-id, mqtt-user, mqtt-password, server:KEY, shared:KEY, telemetry:KEY (attributes and \
            telemetry), or ThingsBoard's names (NAME, SERVER_ATTRIBUTE:KEY…). A third part forces the value type \
            instead of inference: server:serialNumber:STRING (STRING, LONG, DOUBLE, BOOLEAN, JSON). A name and a \
            type column are required; type names the device (or asset) profile.

            Credentials come from MUSTER_USERNAME and MUSTER_PASSWORD, or are asked for on the terminal. The server \
            URL is --server, else MUSTER_SERVER, else http://localhost:8080. Ctrl-C cancels the job on the server \
            (rows already committed stay).

            Example: muster import devices.csv --entity device --columns name,type,label,server:serialNumber,token
            """
    )

    /// What the file holds.
    enum Entity: String, ExpressibleByArgument, CaseIterable {
        case device, asset

        var entityType: ImportEntityType { self == .device ? .device : .asset }
    }

    @Argument(help: "The CSV file to import.")
    var file: String

    @Option(help: "What the rows are: device or asset.")
    var entity: Entity?

    @Option(help: "What each CSV column holds, comma-separated, in file order (see above).")
    var columns: String?

    @Option(
        name: .customLong("mapping"),
        help: ArgumentHelp(
            "A mapping JSON instead of --entity and --columns (the one `muster export` writes).", valueName: "path"))
    var mappingFile: String?

    @Option(help: "Cell separator: ',' ';' '|' or 'tab'.")
    var delimiter: String = ","

    @Flag(name: .customLong("no-header"), help: "The first line is a row, not column names.")
    var noHeader = false

    @Flag(help: "Update entities that already exist (otherwise each is a failed row and stays untouched).")
    var update = false

    @Flag(name: .customLong("dry-run"), help: "Check every row and report what would happen, writing nothing.")
    var dryRun = false

    @Option(help: "The server's URL (default http://localhost:8080; also MUSTER_SERVER).")
    var server: String?

    @Option(
        name: .customLong("errors-csv"),
        help: ArgumentHelp("Save the failed rows, with their reason, to this CSV file.", valueName: "path"))
    var errorsCSV: String?

    @Flag(
        name: .customLong("print-mapping"),
        help: "Print the mapping JSON that would be uploaded, and exit without contacting the server.")
    var printMapping = false

    func validate() throws {
        _ = try mappingJSON()
    }

    func run() async throws {
        let mappingJSON = try mappingJSON()
        if printMapping {
            print(String(decoding: mappingJSON, as: UTF8.self))
            return
        }
        let fileURL = try readableFile()
        let settings = try clientConfiguration()
        let login = try CredentialPrompt.resolve(username: settings.username, password: settings.password)
        let client = ImportClient(server: settings.server)
        try await client.login(username: login.username, password: login.password)

        let size = (try? FileManager.default.attributesOfItem(atPath: fileURL.path)[.size] as? Int) ?? 0
        note(
            "uploading \(fileURL.lastPathComponent) (\(ImportFormatting.bytes(size))) to \(settings.server.absoluteString)"
        )
        let started = try await client.startImport(mapping: mappingJSON, file: fileURL)
        let job = try await ImportJobWatcher(client: client).wait(for: started)

        var report = ImportReport(job: job, errorsURL: client.url("api/imports/\(job.id)/errors.csv"))
        if let errorsCSV, job.errors > 0 {
            try await client.downloadErrors(id: job.id, to: URL(fileURLWithPath: errorsCSV))
            report.errorsFile = errorsCSV
        }
        for line in report.lines { print(line) }
        if !report.succeeded { throw ExitCode.failure }
    }

    /// The mapping to upload: from `--mapping` (with `--update` and `--dry-run` applied), or built from `--entity`
    /// and `--columns` and checked here.
    /// - Throws: `ValidationError` naming the bad option.
    private func mappingJSON() throws -> Data {
        guard let mappingFile else {
            guard entity != nil, columns != nil else {
                throw ValidationError("give --entity and --columns, or --mapping FILE")
            }
            return try mapping().json()
        }
        guard entity == nil, columns == nil else { throw ValidationError("--mapping replaces --entity and --columns") }
        guard let data = FileManager.default.contents(atPath: mappingFile),
            var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            object["columns"] is [Any], object["entityType"] is String
        else {
            throw ValidationError("--mapping \(mappingFile): not a mapping JSON with entityType and columns")
        }
        if update { object["update"] = true }
        if dryRun { object["dryRun"] = true }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// The checked mapping of `--entity` and `--columns`.
    /// - Throws: `ValidationError` naming the bad option.
    private func mapping() throws -> ImportMappingBody {
        guard let entity, let columns else { throw ValidationError("give --entity and --columns, or --mapping FILE") }
        do {
            return try ImportMappingBody(
                entityType: entity.entityType, columns: try ColumnSpec.parseList(columns),
                delimiter: try ImportDelimiter.parse(delimiter), header: !noHeader, update: update, dryRun: dryRun
            )
        } catch let error as any Error & CustomStringConvertible {
            throw ValidationError(error.description)
        }
    }

    /// The CSV file, checked to be a readable regular file before anything is sent.
    private func readableFile() throws(ImportClientError) -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw .unreadableFile(path: file, reason: "no such file")
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: file) else {
            throw .unreadableFile(path: file, reason: isDirectory.boolValue ? "it is a directory" : "permission denied")
        }
        return URL(fileURLWithPath: file)
    }

    /// `--server`, then the environment (`MUSTER_SERVER`, `MUSTER_USERNAME`, `MUSTER_PASSWORD`).
    private func clientConfiguration() throws -> ImportClientConfiguration {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let server { values["server"] = .init(.string(server), isSecret: false) }
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "arguments", values: values),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(["MUSTER_PASSWORD"])).prefixKeys(with: ["muster"]),
        ])
        return try ImportClientConfiguration(config: reader)
    }

    /// A progress note on standard error (standard output is the summary).
    private func note(_ message: String) {
        FileHandle.standardError.write(Data("muster: \(message)\n".utf8))
    }
}

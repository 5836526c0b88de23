import ArgumentParser
import Configuration
import Foundation
import MusterCore

/// `muster export`: the devices or assets of a running server as a CSV in the import's own dialect, with the
/// mapping that reads it back (`muster import FILE --mapping FILE.mapping.json`, into this or another server).
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export devices or assets as a CSV that `muster import --mapping` reads back.",
        discussion: """
            Writes OUT (the CSV, streamed to disk) and OUT's mapping beside it (devices.csv → \
            devices.mapping.json, or --mapping-out). Credentials are left out unless --include-credentials is given \
            (tenant admins only; audited). Credentials and the server URL as for `muster import`.

            Example: muster export --entity device --out devices.csv && \
            muster import devices.csv --mapping devices.mapping.json --server http://other:8080
            """
    )

    @Option(help: "What to export: device or asset.")
    var entity: Import.Entity = .device

    @Option(help: "Only the entities of this device or asset profile (its id).")
    var profile: String?

    @Flag(name: .customLong("include-credentials"), help: "Add each device's credentials (tokens, MQTT, X.509).")
    var includeCredentials = false

    @Option(help: ArgumentHelp("The CSV file to write.", valueName: "path"))
    var out: String

    @Option(name: .customLong("mapping-out"), help: ArgumentHelp("Where to write the mapping JSON.", valueName: "path"))
    var mappingOut: String?

    @Option(help: "The server's URL (default http://localhost:8080; also MUSTER_SERVER).")
    var server: String?

    func validate() throws {
        if let profile, UUID(uuidString: profile) == nil { throw ValidationError("--profile must be a profile id (a UUID)") }
    }

    func run() async throws {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let server { values["server"] = .init(.string(server), isSecret: false) }
        let settings = try ImportClientConfiguration(config: ConfigReader(providers: [
            InMemoryProvider(name: "arguments", values: values),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(["MUSTER_PASSWORD"])).prefixKeys(with: ["muster"]),
        ]))
        let login = try CredentialPrompt.resolve(username: settings.username, password: settings.password)
        let client = ImportClient(server: settings.server)
        try await client.login(username: login.username, password: login.password)
        var query = "entityType=\(entity.entityType.rawValue)"
        if let profile { query += "&profileId=\(profile)" }
        if includeCredentials { query += "&includeCredentials=true" }
        let csv = URL(fileURLWithPath: out)
        let mapping = try await client.downloadExport(query: query, to: csv)
        let mappingFile = mappingOut ?? Self.mappingPath(besides: out)
        do {
            try mapping.write(to: URL(fileURLWithPath: mappingFile))
        } catch {
            throw ImportClientError.localFile(path: mappingFile, reason: error.localizedDescription)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
        print("exported \(entity.rawValue)s to \(out) (\(ImportFormatting.bytes(size))); mapping in \(mappingFile)")
    }

    /// `devices.csv` → `devices.mapping.json`.
    static func mappingPath(besides csv: String) -> String {
        (csv.hasSuffix(".csv") ? String(csv.dropLast(4)) : csv) + ".mapping.json"
    }
}

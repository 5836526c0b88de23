import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// `muster export` end to end: the real binary exports a real server's devices with their credentials, and
/// `muster import --mapping` reads them into another server.
@Suite struct ExportCommandTests {
    @Test func exportThenImportWithTheMappingIntoAnotherServer() async throws {
        try await TestServer.run { source in
            try await TestServer.run { target in
                let directory = try TemporaryDirectory()
                defer { directory.remove() }
                let imported = try await ImportCommandTests.importFile(
                    ImportCommandTests.devicesCSV, server: source, in: directory)
                #expect(imported.status == 0, "\(imported)")

                let csv = directory.appending("export/devices.csv")
                try FileManager.default.createDirectory(
                    atPath: directory.appending("export"), withIntermediateDirectories: true)
                let exported = try await MusterCommandRunner.run(
                    ["export", "--entity", "device", "--include-credentials", "--out", csv, "--server", source.baseURL],
                    environment: ImportCommandTests.credentials())
                #expect(exported.status == 0, "\(exported)")
                let mappingPath = directory.appending("export/devices.mapping.json")
                let mapping = try JSONParser.parse(try String(contentsOfFile: mappingPath, encoding: .utf8))
                #expect(mapping["entityType"] == .string("DEVICE"))
                let text = try String(contentsOfFile: csv, encoding: .utf8)
                #expect(text.hasPrefix("name,type,label,description,isGateway,server:serialNumber,accessToken"), "\(text)")
                #expect(text.contains("Sensor-001,Temperature Sensor,Warehouse A,,,SN-4A21F,tok-a1b2c3d4"), "\(text)")

                let copied = try await MusterCommandRunner.run(
                    ["import", csv, "--mapping", mappingPath, "--server", target.baseURL],
                    environment: ImportCommandTests.credentials())
                #expect(copied.status == 0, "\(copied)")
                #expect(copied.stdout.contains("created: 3"), "\(copied)")
                #expect(try await ImportCommandTests.deviceNames(target) == ["Gateway-001", "Sensor-001", "Sensor-002"])
                // The credentials came along: the device's token works on the other server.
                let telemetry = try await target.send("POST", "/api/v1/tok-a1b2c3d4/telemetry", body: #"{"t":1}"#)
                #expect(telemetry.status == 200, "\(telemetry)")
            }
        }
    }

    @Test func aMappingFileReplacesEntityAndColumns() async throws {
        let both = try await MusterCommandRunner.run(
            ["import", "x.csv", "--mapping", "m.json", "--entity", "device", "--print-mapping"])
        #expect(both.status == 64 && both.stderr.contains("--mapping replaces"), "\(both)")
        let missing = try await MusterCommandRunner.run(["import", "x.csv", "--mapping", "/nonexistent.json"])
        #expect(missing.status == 64 && missing.stderr.contains("not a mapping JSON"), "\(missing)")
    }
}

import Foundation
import MusterCore
import MusterTestSupport
import Synchronization
import Testing

/// `muster backup` end to end: the real binary copies the database of a running server under provisioning and
/// telemetry load; a server started on the restored copy has every device that was stored when the copy began.
@Suite struct BackupCommandTests {
    @Test func aBackupUnderLoadRestoresToAWorkingInstallation() async throws {
        let backups = try TemporaryDirectory()
        defer { backups.remove() }
        let file = backups.appending("muster-backup.sqlite")
        let profile = #"{"name":"Backup","provisionType":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceKey":"bk","profileData":{"provisionConfiguration":{"type":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceSecret":"bs"}}}"#
        // What the first server leaves for the restored one: the devices copied and a device's token.
        let handover = Mutex((devices: 0, token: ""))
        try await TestServer.run { server in
            let admin = try await server.login()
            #expect(try await server.send("POST", "/api/deviceProfile", body: profile, token: admin).status == 200)
            let first = try await server.send(
                "POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"bk","provisionDeviceSecret":"bs","deviceName":"bk-0"}"#)
            let token = try #require(try first.json()["credentialsValue"]?.stringValue)
            #expect(try await server.send("POST", "/api/v1/\(token)/telemetry", body: #"{"t":1}"#).status == 200)
            // Load while the copy is taken: 300 provisionings and telemetry posts, bounded in count.
            let load = Task {
                for index in 1...300 {
                    _ = try await server.send(
                        "POST", "/api/v1/provision",
                        body: #"{"provisionDeviceKey":"bk","provisionDeviceSecret":"bs","deviceName":"bk-\#(index)"}"#)
                    _ = try await server.send("POST", "/api/v1/\(token)/telemetry", body: #"{"t":\#(index)}"#)
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            let devicesAtStart = try await deviceCount(server, admin)
            let result = try await MusterCommandRunner.run(["backup", "--data-dir", server.dataDirectory, "--to", file])
            let devicesAtEnd = try await deviceCount(server, admin)
            try await load.value
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("backup: \(file)"), "\(result)")
            // The copy holds what was committed when it began: between the counts before and after.
            let devices = try #require(result.stdout.firstMatch(of: /; (\d+) devices/).flatMap { Int($0.1) })
            #expect(devices >= devicesAtStart && devices <= devicesAtEnd, "\(devicesAtStart) ≤ \(devices) ≤ \(devicesAtEnd)")
            handover.withLock { $0 = (devices, token) }
            // An existing file is never overwritten.
            let again = try await MusterCommandRunner.run(["backup", "--data-dir", server.dataDirectory, "--to", file])
            #expect(again.status == 1 && again.stderr.contains("exists"), "\(again)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        // Restore: the copy as muster.sqlite of a new data directory.
        let restored = try TemporaryDirectory()
        defer { restored.remove() }
        try FileManager.default.copyItem(atPath: file, toPath: restored.appending("muster.sqlite"))
        let (before, token) = handover.withLock { $0 }
        try await TestServer.run(dataDirectory: restored) { server in
            let admin = try await server.login()
            #expect(try await deviceCount(server, admin) == before)
            #expect(try await server.send("POST", "/api/v1/\(token)/telemetry", body: #"{"t":-1}"#).status == 200)
            let again = try await server.send(
                "POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"bk","provisionDeviceSecret":"bs","deviceName":"bk-0"}"#)
            #expect(try again.json()["credentialsValue"]?.stringValue == token)
        }
    }

    @Test func aMissingDatabaseIsAClearError() async throws {
        let empty = try TemporaryDirectory()
        defer { empty.remove() }
        let result = try await MusterCommandRunner.run(["backup", "--data-dir", empty.path, "--to", empty.appending("x.sqlite")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no Muster database at"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: empty.appending("x.sqlite")))
    }

    private func deviceCount(_ server: TestServer, _ token: String) async throws -> Int {
        let page = try await server.send("GET", "/api/tenant/devices?pageSize=1&page=0", token: token).json()
        guard case .number(let text)? = page["totalElements"], let count = Int(text) else { return -1 }
        return count
    }
}

import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Bulk import over real HTTP: ThingsBoard's JSON endpoints and Muster's job API.
@Suite struct ImportAPITests {
    static let file = """
        name,type,label,serialNumber,accessToken
        Sensor-001,Temperature Sensor,Warehouse A,SN-4A21F,tok-a1b2c3d4
        Sensor-002,Temperature Sensor,Warehouse B,SN-4A22F,tok-e5f6g7h8
        Gateway-001,IoT Gateway,Main Hub,GW-0010A,tok-i9j0k1l2

        """

    static let columns = #"[{"type":"NAME"},{"type":"TYPE"},{"type":"LABEL"},{"type":"SERVER_ATTRIBUTE","key":"serialNumber"},{"type":"ACCESS_TOKEN"}]"#

    private func bulk(_ server: TestServer, token: String, file: String = file, columns: String = columns, update: Bool, delimiter: String = ",")
        async throws -> TestServer.Reply
    {
        let body = #"{"file":\#(JSONValue.quoted(file)),"mapping":{"columns":\#(columns),"delimiter":"\#(delimiter)","update":\#(update),"header":true}}"#
        return try await server.send("POST", "/api/device/bulk_import", body: body, token: token)
    }

    @Test(arguments: TestStoreKind.allCases)
    func thingsBoardEndpointCreatesThenRejectsThenUpdates(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            let first = try await bulk(server, token: token, update: false)
            #expect(first.status == 200)
            let result = try first.json()
            #expect(result["created"] == .number("3"))
            #expect(result["errors"] == .number("0"))
            #expect(result["createdProfiles"] == .array([.string("Temperature Sensor"), .string("IoT Gateway")]))

            let again = try await bulk(server, token: token, update: false)
            let rejected = try again.json()
            #expect(rejected["errors"] == .number("3"))
            #expect(rejected["errorsList"] == .array([
                .string("Line 2: device 'Sensor-001' already exists (update is off)"),
                .string("Line 3: device 'Sensor-002' already exists (update is off)"),
                .string("Line 4: device 'Gateway-001' already exists (update is off)"),
            ]))

            let updated = try await bulk(server, token: token, update: true)
            #expect(try updated.json()["updated"] == .number("3"))

            let device = try await server.send("GET", "/api/tenant/device?deviceName=Sensor-002", token: token)
            let id = try #require(try device.json()["id"]?["id"]?.stringValue)
            #expect(try device.json()["type"] == .string("Temperature Sensor"))
            let serial = try await server.send("GET", "/api/plugins/telemetry/DEVICE/\(id)/values/attributes/SERVER_SCOPE?keys=serialNumber", token: token)
            #expect(try serial.json()[0]?["value"] == .string("SN-4A22F"))
            let credentials = try await server.send("GET", "/api/device/\(id)/credentials", token: token)
            #expect(try credentials.json()["credentialsId"] == .string("tok-e5f6g7h8"))
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func refusedMappingsAndBrokenFilesWriteNothing(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            let noType = try await bulk(server, token: token, columns: #"[{"type":"NAME"},{"type":"LABEL"}]"#, update: false)
            #expect(noType.status == 400)
            #expect(try noType.json()["message"]?.stringValue?.contains("TYPE") == true)
            let lwm2m = try await bulk(
                server, token: token, columns: #"[{"type":"NAME"},{"type":"TYPE"},{"type":"LWM2M_CLIENT_ENDPOINT"}]"#, update: false
            )
            #expect(lwm2m.status == 400)
            #expect(try lwm2m.json()["message"]?.stringValue?.contains("LWM2M_CLIENT_ENDPOINT") == true)
            let broken = try await bulk(server, token: token, file: "name,type\nok,T\n\"open,T\n", columns: #"[{"type":"NAME"},{"type":"TYPE"}]"#, update: false)
            #expect(broken.status == 400)
            #expect(try broken.json()["message"]?.stringValue?.contains("line 3") == true)
            let wide = try await bulk(server, token: token, file: "name,type\nok,T,extra\n", columns: #"[{"type":"NAME"},{"type":"TYPE"}]"#, update: false)
            #expect(wide.status == 400)
            let list = try await server.send("GET", "/api/tenant/devices?pageSize=10&page=0", token: token)
            #expect(try list.json()["totalElements"] == .number("0"))
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func semicolonsQuotesAndLineNumberedRowErrors(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            let file = "name;type;cfg\r\n\"A;1\";T;\"{\"\"threshold\"\":45}\"\r\n;T;x\r\n\r\nB;T;\"multi\nline\"\n\"A;1\";T;y\n"
            let reply = try await bulk(
                server, token: token, file: file, columns: #"[{"type":"NAME"},{"type":"TYPE"},{"type":"SERVER_ATTRIBUTE","key":"cfg"}]"#,
                update: false, delimiter: ";"
            )
            let result = try reply.json()
            #expect(result["created"] == .number("2"))
            #expect(result["errorsList"] == .array([.string("Line 3: the name is empty"), .string("Line 5: duplicate of line 2 (same name)")]))
            let device = try await server.send("GET", "/api/tenant/device?deviceName=A%3B1", token: token)
            let id = try #require(try device.json()["id"]?["id"]?.stringValue)
            let cfg = try await server.send("GET", "/api/plugins/telemetry/DEVICE/\(id)/values/attributes/SERVER_SCOPE", token: token)
            #expect(try cfg.json()[0]?["value"] == .object(["threshold": .number("45")]))
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func importedTokenProvisionsUnderCheckPreProvisioned(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            let profile = try await server.send("POST", "/api/deviceProfile", body: #"""
                {"name":"Temperature Sensor","provisionType":"CHECK_PRE_PROVISIONED_DEVICES","provisionDeviceKey":"pre-key",
                 "profileData":{"provisionConfiguration":{"type":"CHECK_PRE_PROVISIONED_DEVICES","provisionDeviceSecret":"pre-secret"}}}
                """#, token: token)
            #expect(profile.status == 200)
            _ = try await bulk(server, token: token, update: false)
            let provisioned = try await server.send(
                "POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"pre-key","provisionDeviceSecret":"pre-secret","deviceName":"Sensor-001"}"#
            )
            #expect(provisioned.text == #"{"credentialsValue":"tok-a1b2c3d4","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}"#)
            let gateway = try await server.send(
                "POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"pre-key","provisionDeviceSecret":"pre-secret","deviceName":"Gateway-001"}"#
            )
            #expect(try gateway.json()["status"] == .string("FAILURE"))
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func jobAPIRunsDryRunsAndReportsErrors(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            let dry = try await upload(server, token: token, file: Self.file, dryRun: true, update: false)
            #expect(dry["status"] == .string("DONE"))
            #expect(dry["created"] == .number("3"))
            let empty = try await server.send("GET", "/api/tenant/devices?pageSize=10&page=0", token: token)
            #expect(try empty.json()["totalElements"] == .number("0"))
            let profiles = try await server.send("GET", "/api/deviceProfiles?pageSize=10&page=0", token: token)
            #expect(try profiles.json()["totalElements"] == .number("1"))

            let real = try await upload(server, token: token, file: Self.file + "Broken,T,,,tok-a1b2c3d4\n", dryRun: false, update: false)
            #expect(real["created"] == .number("3"))
            #expect(real["errors"] == .number("1"))
            #expect(real["rowsTotal"] == .number("4") && real["rowsProcessed"] == .number("4"))
            #expect(real["errorLines"] == .array([.string("Line 5: the same credentials as line 2")]))
            let id = try #require(real["id"]?.stringValue)
            let errors = try await server.send("GET", "/api/imports/\(id)/errors.csv", token: token)
            #expect(errors.text == "name,type,label,serialNumber,accessToken,error\r\nBroken,T,,,tok-a1b2c3d4,Line 5: the same credentials as line 2\r\n")

            let foreign = try await server.send("GET", "/api/imports/\(UUID().uuidString)", token: token)
            #expect(foreign.status == 404)
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func cancellingARunningJobStopsItBetweenBatchesKeepingCommittedRows(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            // Given a job of 60,000 rows (six batches; a debug build needs seconds for them),
            var file = "name,type,label,serialNumber,accessToken\n"
            for index in 0..<60_000 { file += "Bulk-\(index),Bulk Sensor,,SN-\(index),tok-bulk-\(index)\n" }
            let id = try await submit(server, token: token, file: file)
            // when it is cancelled once it has provably committed a batch and is still running,
            var running = false
            for _ in 0..<1_500 {
                let job = try await server.send("GET", "/api/imports/\(id)", token: token).json()
                #expect(job["status"] == .string("RUNNING"), "the job ended before it could be cancelled: \(job)")
                guard job["status"] == .string("RUNNING") else { return }
                // Progress is committed rows of the file's rows: the total is known from the first batch on.
                if case .number(let rows)? = job["rowsProcessed"], let count = Int(rows), count > 0 {
                    #expect(job["rowsTotal"] == .number("60000"), "\(job)")
                    #expect(count < 60_000)
                    running = true
                    break
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(running, "the job did not process a row in 15 s")
            let cancel = try await server.send("DELETE", "/api/imports/\(id)", token: token)
            #expect(cancel.status == 200, "\(cancel.text)")
            #expect(try cancel.json()["cancelRequested"] == .bool(true))
            // then it stops after a batch as CANCELLED, and exactly the rows it reports are stored.
            let job = try await waitForEnd(server, token: token, id: id)
            #expect(job["status"] == .string("CANCELLED"), "\(job)")
            guard case .number(let text)? = job["created"], let created = Int(text) else {
                Issue.record("no created count: \(job)")
                return
            }
            #expect(created > 0 && created < 60_000)
            let list = try await server.send("GET", "/api/tenant/devices?pageSize=1&page=0", token: token)
            #expect(try list.json()["totalElements"] == .number("\(created)"))
            // The rows are applied in order: the last committed one is whole (credentials and attribute), the next
            // one is not there at all.
            let last = try await server.send("GET", "/api/tenant/device?deviceName=Bulk-\(created - 1)", token: token)
            let lastId = try #require(try last.json()["id"]?["id"]?.stringValue, "\(last.text)")
            let credentials = try await server.send("GET", "/api/device/\(lastId)/credentials", token: token).json()
            #expect(credentials["credentialsId"] == .string("tok-bulk-\(created - 1)"))
            let serial = try await server.send(
                "GET", "/api/plugins/telemetry/DEVICE/\(lastId)/values/attributes/SERVER_SCOPE?keys=serialNumber", token: token)
            #expect(try serial.json()[0]?["value"] == .string("SN-\(created - 1)"))
            let next = try await server.send("GET", "/api/tenant/device?deviceName=Bulk-\(created)", token: token)
            #expect(next.status == 404)
            // A finished job cannot be cancelled again into another state.
            let again = try await server.send("DELETE", "/api/imports/\(id)", token: token)
            #expect(try again.json()["status"] == .string("CANCELLED"))
        }
    }

    /// Uploads through `POST /api/imports` and waits for the job to end.
    private func upload(_ server: TestServer, token: String, file: String, dryRun: Bool, update: Bool) async throws -> JSONValue {
        let id = try await submit(server, token: token, file: file, dryRun: dryRun, update: update)
        return try await waitForEnd(server, token: token, id: id)
    }

    /// Uploads through `POST /api/imports`; returns the job id from the 202 answer.
    func submit(_ server: TestServer, token: String, file: String, dryRun: Bool = false, update: Bool = false) async throws -> String {
        let boundary = "muster-test-boundary"
        let mapping = #"{"entityType":"DEVICE","columns":\#(Self.columns),"delimiter":",","header":true,"update":\#(update),"dryRun":\#(dryRun)}"#
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"mapping\"\r\nContent-Type: application/json\r\n\r\n\(mapping)\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"devices.csv\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n"
            + "--\(boundary)--\r\n"
        let accepted = try await server.send(
            "POST", "/api/imports", bytes: Data(body.utf8), token: token,
            headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"]
        )
        #expect(accepted.status == 202, "\(accepted.text)")
        return try #require(try accepted.json()["id"]?.stringValue)
    }

    /// Polls `GET /api/imports/{id}` until the job is no longer running (at most 30 s).
    func waitForEnd(_ server: TestServer, token: String, id: String) async throws -> JSONValue {
        for _ in 0..<600 {
            let job = try await server.send("GET", "/api/imports/\(id)", token: token).json()
            if job["status"] != .string("RUNNING") { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestServerError.timedOut("import job \(id) did not finish in 30 s")
    }
}

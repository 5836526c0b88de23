import Foundation
import Logging
import MusterApp
import MusterCore
import MusterTestSupport
import Testing

/// Import jobs across two servers (nodes) on one PostgreSQL database: a job runs on the node it was uploaded to,
/// and every node lists, reads and cancels it and serves its errors CSV.
@Suite struct ImportJobNodesTests {
    @Test func aJobUploadedToOneNodeIsReadCancelledAndServedByAnother() async throws {
        // One database for both nodes.
        let database = try await TestStoreKind.postgres.settings()
        try await TestServer.run(settings: database) { nodeA in
            try await TestServer.run(settings: database) { nodeB in
                let api = ImportAPITests()
                let tokenA = try await nodeA.login()
                let tokenB = try await nodeB.login()
                // Given a job of 60,000 rows uploaded to node A, whose row 3 repeats the credentials of row 2,
                var file = "name,type,label,serialNumber,accessToken\n"
                file += "Twin-1,Bulk Sensor,,SN-t,tok-twin\nTwin-2,Bulk Sensor,,=SUM(A1),tok-twin\n"
                for index in 0..<60_000 { file += "Bulk-\(index),Bulk Sensor,,SN-\(index),tok-bulk-\(index)\n" }
                let id = try await api.submit(nodeA, token: tokenA, file: file)

                // when node B lists it and reads it once it has committed a batch,
                let list = try await nodeB.send("GET", "/api/imports", token: tokenB).json()
                #expect(list[0]?["id"] == .string(id), "\(list)")
                var running = false
                for _ in 0..<1_500 {
                    let job = try await nodeB.send("GET", "/api/imports/\(id)", token: tokenB).json()
                    guard job["status"] == .string("RUNNING") else {
                        Issue.record("the job ended before it could be cancelled: \(job)")
                        return
                    }
                    if case .number(let rows)? = job["rowsProcessed"], let count = Int(rows), count > 0 {
                        running = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(running, "node B saw no progress in 15 s")

                // and cancels it through B,
                let cancel = try await nodeB.send("DELETE", "/api/imports/\(id)", token: tokenB)
                #expect(cancel.status == 200, "\(cancel.text)")
                #expect(try cancel.json()["cancelRequested"] == .bool(true))

                // then node A stops it after a batch, both nodes report the same end, exactly the rows stored,
                // (up to 120 s: a loaded machine may need long for the batch under way, and the servers must not shut
                // down while it runs, which would take longer than their shutdown bound)
                var job: JSONValue = .null
                for _ in 0..<2_400 {
                    job = try await nodeB.send("GET", "/api/imports/\(id)", token: tokenB).json()
                    if job["status"] != .string("RUNNING") { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(job["status"] == .string("CANCELLED"), "\(job)")
                #expect(try await nodeA.send("GET", "/api/imports/\(id)", token: tokenA).json() == job)
                guard case .number(let text)? = job["created"], let created = Int(text) else {
                    Issue.record("no created count: \(job)")
                    return
                }
                #expect(created > 0 && created < 60_001)
                let devices = try await nodeB.send("GET", "/api/tenant/devices?pageSize=1&page=0", token: tokenB)
                #expect(try devices.json()["totalElements"] == .number("\(created)"))
                // and node B serves the errors CSV (formula cells neutralised).
                let errors = try await nodeB.send("GET", "/api/imports/\(id)/errors.csv", token: tokenB)
                #expect(errors.status == 200)
                #expect(
                    errors.text
                        == "name,type,label,serialNumber,accessToken,error\r\nTwin-2,Bulk Sensor,,'=SUM(A1),tok-twin,Line 3: the same credentials as line 2\r\n"
                )
            }
        }
    }

    @Test func aStoppedNodesJobIsFailedAsInterruptedByAnotherNodeWithItsCommittedCounts() async throws {
        let database = try await TestStoreKind.postgres.settings()
        try await TestServer.run(settings: database) { node in
            let token = try await node.login()
            let user = try await node.send("GET", "/api/auth/user", token: token).json()
            let tenantId = try #require(user["tenantId"]?["id"]?.stringValue.flatMap(UUID.init(uuidString:)), "\(user)")
            // Given a running job of a node that stopped 16 s ago after committing a batch (written as that node
            // would have, through the same store),
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let opened = try await openStore(
                MusterConfiguration(
                    dataDirectory: directory.path,
                    database: .postgres(.init(url: try #require(database["database.url"]), poolSize: 2))
                ),
                logger: Logger(label: "dead-node")
            )
            defer { try? opened.close() }
            let then = Int64(Date().timeIntervalSince1970 * 1000) - 16_000
            var job = ImportJob(
                id: EntityIdentifier.make(at: then),
                tenantId: tenantId,
                entityType: .device,
                dryRun: false,
                bytesTotal: 1_000,
                startTime: then,
                owner: "dead-node"
            )
            try await opened.store.createImportJob(job)
            job.progress.rowsProcessed = 7
            job.progress.created = 5
            job.progress.updated = 1
            job.progress.errors = 1
            try await opened.store.recordImportCheckpoint(
                ImportJobCheckpoint(
                    jobId: job.id,
                    progress: job.progress,
                    errorLines: ["Line 4: x"],
                    failedRows: [],
                    time: then
                )
            )

            // then the live node's reaper (every 5 s) fails it as interrupted, with the committed counts.
            var reported: JSONValue = .null
            for _ in 0..<160 {
                reported = try await node.send("GET", "/api/imports/\(job.id.uuidString.lowercased())", token: token)
                    .json()
                if reported["status"] != .string("RUNNING") { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(reported["status"] == .string("FAILED"), "\(reported)")
            #expect(
                reported["failure"]
                    == .string("interrupted: node dead-node stopped; 7 rows committed (5 created, 1 updated, 1 failed)")
            )
            #expect(reported["created"] == .number("5"))
        }
    }
}

import MusterCore
import Testing

@Suite struct ImportRowPlannerTests {
    private let mapping = try! ImportMapping(
        entityType: .device,
        columns: [
            RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE"), RawImportColumn(type: "LABEL"),
            RawImportColumn(type: "SERVER_ATTRIBUTE", key: "serial"), RawImportColumn(type: "SHARED_ATTRIBUTE", key: "count", valueType: "STRING"),
            RawImportColumn(type: "TIMESERIES", key: "temp"), RawImportColumn(type: "ACCESS_TOKEN"),
            RawImportColumn(type: "MQTT_CLIENT_ID"), RawImportColumn(type: "MQTT_USER_NAME"), RawImportColumn(type: "X509"),
        ],
        delimiter: ",", header: true, update: false
    )

    private func record(_ number: Int, _ fields: [String]) -> CSVRecord { CSVRecord(number: number, line: number, fields: fields) }

    @Test func plansCellsSkippingEmptyOnes() throws {
        var planner = ImportRowPlanner(mapping: mapping, timestamp: 1000, repeats: .none)
        let row = try planner.plan(record(2, ["d1", "Thermo", "", "007", "42", "21.5", "tok-1", "", "", ""])).get()
        #expect(row.name == "d1")
        #expect(row.profileName == "Thermo")
        #expect(row.label == nil)
        #expect(row.attributes == [
            ImportKeyValue(scope: .server, key: "serial", value: .string("007")),
            ImportKeyValue(scope: .shared, key: "count", value: .string("42")),
        ])
        #expect(row.telemetry == [ImportKeyValue(scope: nil, key: "temp", value: .double(21.5))])
        #expect(row.credentials == CredentialsMaterial(type: .accessToken, credentialsId: "tok-1", credentialsValue: nil))
        #expect(row.generatedCredentials == nil)
    }

    @Test func credentialPrecedenceIsX509ThenMQTTThenToken() throws {
        var planner = ImportRowPlanner(mapping: mapping, timestamp: 0, repeats: .none)
        let x509 = try planner.plan(record(2, ["a", "T", "", "", "", "", "tok", "cid", "user", "CERTDATA"])).get()
        #expect(x509.credentials?.type == .x509Certificate)
        let mqtt = try planner.plan(record(3, ["b", "T", "", "", "", "", "tok2", "cid", "user", ""])).get()
        #expect(mqtt.credentials?.credentialsId == SHA3Hash.hex("cid|user"))
        let none = try planner.plan(record(4, ["c", "T"])).get()
        #expect(none.credentials == nil)
        #expect(none.generatedCredentials?.credentialsId.count == 20)
    }

    /// Plans `records` as an import does: their repeats found first (``ImportRepeatFinder``, in memory).
    private func planned(_ records: [CSVRecord]) throws -> [Result<ImportRow, ImportRowError>] {
        let identities = ImportRowPlanner(mapping: mapping, timestamp: 0, repeats: .none)
        var finder = ImportRepeatFinder(scratch: nil)
        for record in records where record.fields.count <= mapping.columns.count {
            try finder.add(identities.identity(of: record.fields))
        }
        var planner = ImportRowPlanner(mapping: mapping, timestamp: 0, repeats: try finder.finish())
        return records.map { planner.plan($0) }
    }

    @Test func rowErrors() throws {
        let results = try planned([
            record(2, ["", "T"]),
            record(3, ["ok", "T", "", "", "", "", "tok-a"]),
            record(4, ["ok", "T"]),
            record(5, ["other", "T", "", "", "", "", "tok-a"]),
            record(6, Array(repeating: "x", count: 11)),
            record(7, ["bad\u{01}", "T"]),
            record(8, ["m", "T", "", "", "", "", "", "", "", ""]),
            record(9, [" ok ", "T"]),
        ])
        #expect(results[0].failureValue == .emptyName)
        #expect(results[1].isSuccess)
        #expect(results[2].failureValue == .duplicateName(firstLine: 3))
        #expect(results[3].failureValue == .duplicateCredentials(firstLine: 3))
        #expect(results[4].failureValue == .tooManyCells(count: 11, columns: 10))
        #expect(results[5].failureValue == .invalidName(.controlCharacters))
        #expect(results[6].isSuccess)
        #expect(results[7].failureValue == .duplicateName(firstLine: 3), "names are compared trimmed")
    }

    @Test func aRowThatFailsDoesNotClaimItsNameOrCredentials() throws {
        let results = try planned([
            record(2, ["a", "T", "", "", "", "", "tok\u{01}"]),
            record(3, ["a", "T", "", "", "", "", "tok-b"]),
            record(4, ["b", "T\u{01}", "", "", "", "", "tok-b"]),
            record(5, ["c", "T", "", "", "", "", "tok-b"]),
        ])
        #expect(results.map(\.isSuccess) == [false, true, false, false])
        #expect(results[3].failureValue == .duplicateCredentials(firstLine: 3))
    }

    @Test func explicitTypeConversionErrorsNameTheColumn() {
        let typed = try! ImportMapping(
            entityType: .asset,
            columns: [RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE"), RawImportColumn(type: "SERVER_ATTRIBUTE", key: "n", valueType: "LONG")],
            delimiter: ",", header: false, update: false
        )
        var planner = ImportRowPlanner(mapping: typed, timestamp: 0, repeats: .none)
        guard case .failure(.invalidValue(let column, let key, _)) = planner.plan(record(1, ["a", "T", "x"])) else {
            Issue.record("expected an invalid value")
            return
        }
        #expect(column == 3)
        #expect(key == "n")
        let typedRow = try? planner.plan(record(2, ["b", "T", "007"])).get()
        #expect(typedRow?.attributes == [ImportKeyValue(scope: .server, key: "n", value: .long(7))])
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }

    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

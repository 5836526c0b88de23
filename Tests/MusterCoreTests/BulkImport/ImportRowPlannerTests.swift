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
        var planner = ImportRowPlanner(mapping: mapping, timestamp: 1000)
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
        var planner = ImportRowPlanner(mapping: mapping, timestamp: 0)
        let x509 = try planner.plan(record(2, ["a", "T", "", "", "", "", "tok", "cid", "user", "CERTDATA"])).get()
        #expect(x509.credentials?.type == .x509Certificate)
        let mqtt = try planner.plan(record(3, ["b", "T", "", "", "", "", "tok2", "cid", "user", ""])).get()
        #expect(mqtt.credentials?.credentialsId == SHA3Hash.hex("cid|user"))
        let none = try planner.plan(record(4, ["c", "T"])).get()
        #expect(none.credentials == nil)
        #expect(none.generatedCredentials?.credentialsId.count == 20)
    }

    @Test func rowErrors() {
        var planner = ImportRowPlanner(mapping: mapping, timestamp: 0)
        #expect(planner.plan(record(2, ["", "T"])).failureValue == .emptyName)
        #expect(planner.plan(record(3, ["ok", "T", "", "", "", "", "tok-a"])).isSuccess)
        #expect(planner.plan(record(4, ["ok", "T"])).failureValue == .duplicateName(firstLine: 3))
        #expect(planner.plan(record(5, ["other", "T", "", "", "", "", "tok-a"])).failureValue == .duplicateCredentials(firstLine: 3))
        #expect(planner.plan(record(6, Array(repeating: "x", count: 11))).failureValue == .tooManyCells(count: 11, columns: 10))
        #expect(planner.plan(record(7, ["bad\u{01}", "T"])).failureValue == .invalidName(.controlCharacters))
        #expect(planner.plan(record(8, ["m", "T", "", "", "", "", "", "", "", ""])).isSuccess)
    }

    @Test func explicitTypeConversionErrorsNameTheColumn() {
        let typed = try! ImportMapping(
            entityType: .asset,
            columns: [RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE"), RawImportColumn(type: "SERVER_ATTRIBUTE", key: "n", valueType: "LONG")],
            delimiter: ",", header: false, update: false
        )
        var planner = ImportRowPlanner(mapping: typed, timestamp: 0)
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

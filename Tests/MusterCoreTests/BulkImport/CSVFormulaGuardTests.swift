import MusterCore
import Testing

@Suite struct CSVFormulaGuardTests {
    @Test(arguments: [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("\r\nx", "'\r\nx"), ("-", "'-"), ("=", "'="), ("-e5", "'-e5"), ("-.", "'-."),
        ("'=x", "''=x"), ("''@x", "'''@x"),
        ("-5", "-5"), ("+7", "+7"), ("-1.5e-3", "-1.5e-3"), ("-.5", "-.5"),
        ("plain", "plain"), ("'quoted", "'quoted"), ("'5", "'5"), ("'", "'"), ("", ""), ("a=b", "a=b"),
    ])
    func cellsAreNeutralisedAndReadBackUnchanged(value: String, written: String) {
        #expect(CSVFormulaGuard.neutralised(value) == written)
        #expect(CSVFormulaGuard.restored(written) == value)
    }

    @Test func theImportReadsNeutralisedCellsAsTheirValues() throws {
        let mapping = try ImportMapping(
            entityType: .device,
            columns: [
                RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE"), RawImportColumn(type: "LABEL"),
                RawImportColumn(type: "SERVER_ATTRIBUTE", key: "formula"), RawImportColumn(type: "TIMESERIES", key: "temp"),
            ],
            delimiter: ",", header: true, update: false
        )
        var planner = ImportRowPlanner(mapping: mapping, timestamp: 1000, repeats: .none)
        let cells = ["'=cmd|' /C calc'!A0", "T", "'plain", "'@SUM(1)", "-5"]
        let row = try planner.plan(CSVRecord(number: 2, line: 2, fields: cells)).get()
        #expect(row.name == "=cmd|' /C calc'!A0")
        #expect(row.label == "'plain")
        #expect(row.attributes == [ImportKeyValue(scope: .server, key: "formula", value: .string("@SUM(1)"))])
        #expect(row.telemetry == [ImportKeyValue(scope: nil, key: "temp", value: .long(-5))])
        #expect(row.cells == cells, "failed rows are written from the cells as read")
    }
}

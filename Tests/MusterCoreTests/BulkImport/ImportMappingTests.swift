import MusterCore
import Testing

@Suite struct ImportMappingTests {
    private func mapping(_ columns: [RawImportColumn], entity: ImportEntityType = .device, delimiter: String = ",")
        throws(ImportMappingError) -> ImportMapping
    {
        try ImportMapping(entityType: entity, columns: columns, delimiter: delimiter, header: true, update: false)
    }

    @Test func acceptsEveryDeviceColumn() throws {
        let columns = ImportColumnType.allCases.map { type in
            RawImportColumn(type: type.rawValue, key: type.isKeyValue ? "k-\(type.rawValue)" : nil)
        }
        let checked = try mapping(columns)
        #expect(checked.columns.count == ImportColumnType.allCases.count)
        #expect(checked.delimiter == UInt8(ascii: ","))
    }

    @Test(arguments: [",", ";", "|", "\t"])
    func delimiters(delimiter: String) throws {
        let checked = try mapping([RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE")], delimiter: delimiter)
        #expect(checked.delimiter == delimiter.utf8.first)
    }

    @Test func refusals() {
        let name = RawImportColumn(type: "NAME")
        let type = RawImportColumn(type: "TYPE")
        #expect(throws: ImportMappingError.missingTypeColumn) { try mapping([name]) }
        #expect(throws: ImportMappingError.missingNameColumn) { try mapping([type]) }
        #expect(throws: ImportMappingError.noColumns) { try mapping([]) }
        #expect(throws: ImportMappingError.unsupportedColumn(position: 3, type: "LWM2M_CLIENT_ENDPOINT")) {
            try mapping([name, type, RawImportColumn(type: "LWM2M_CLIENT_ENDPOINT")])
        }
        for unsupported in ["SNMP_HOST", "ROUTING_KEY", "SECRET"] {
            #expect(throws: ImportMappingError.unsupportedColumn(position: 1, type: unsupported)) {
                try mapping([RawImportColumn(type: unsupported), name, type])
            }
        }
        #expect(throws: ImportMappingError.unknownColumnType(position: 3, type: "CLIENT_ATTRIBUTE")) {
            try mapping([name, type, RawImportColumn(type: "CLIENT_ATTRIBUTE", key: "x")])
        }
        #expect(throws: ImportMappingError.missingKey(position: 3, type: "SERVER_ATTRIBUTE")) {
            try mapping([name, type, RawImportColumn(type: "SERVER_ATTRIBUTE")])
        }
        #expect(throws: ImportMappingError.duplicateColumn(position: 3, type: "NAME")) { try mapping([name, type, name]) }
        #expect(throws: ImportMappingError.notForAssets(position: 3, type: "ACCESS_TOKEN")) {
            try mapping([name, type, RawImportColumn(type: "ACCESS_TOKEN")], entity: .asset)
        }
        #expect(throws: ImportMappingError.unknownValueType(position: 3, name: "DATE")) {
            try mapping([name, type, RawImportColumn(type: "TIMESERIES", key: "t", valueType: "DATE")])
        }
        #expect(throws: ImportMappingError.invalidDelimiter("\"")) { try mapping([name, type], delimiter: "\"") }
        #expect(throws: ImportMappingError.invalidDelimiter(",,")) { try mapping([name, type], delimiter: ",,") }
    }

    @Test func descriptionsNameTheColumn() {
        #expect(ImportMappingError.missingTypeColumn.description == "the mapping needs a TYPE column")
        #expect(ImportMappingError.unsupportedColumn(position: 4, type: "SNMP_HOST").description == "column 4: SNMP_HOST is not supported by Muster")
    }
}

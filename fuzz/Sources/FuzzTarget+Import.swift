import MusterCore

extension FuzzTarget {
    /// The rows of a CSV import, as the importer plans them: the CSV scanner, then each record through a mapping that
    /// names every column type (names, credentials, attributes and telemetry with inferred and explicit value types),
    /// so the number, boolean and JSON cell readers and the credential rules see file bytes. First byte: one of three
    /// mappings. Invariant: a planned row's numbers are finite and its JSON values parse.
    static func importRows(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else { return }
        let mappings: [[RawImportColumn]] = [
            [
                .init(type: "NAME"), .init(type: "TYPE"), .init(type: "SERVER_ATTRIBUTE", key: "a"),
                .init(type: "TIMESERIES", key: "t", valueType: "LONG"), .init(type: "SHARED_ATTRIBUTE", key: "j", valueType: "JSON"),
                .init(type: "ACCESS_TOKEN"),
            ],
            [
                .init(type: "NAME"), .init(type: "TYPE"), .init(type: "LABEL"), .init(type: "IS_GATEWAY"), .init(type: "X509"),
                .init(type: "TIMESERIES", key: "d", valueType: "DOUBLE"), .init(type: "SERVER_ATTRIBUTE", key: "b", valueType: "BOOLEAN"),
            ],
            [
                .init(type: "NAME"), .init(type: "TYPE"), .init(type: "MQTT_CLIENT_ID"), .init(type: "MQTT_USER_NAME"), .init(type: "MQTT_PASSWORD"),
                .init(type: "SHARED_ATTRIBUTE", key: "s", valueType: "STRING"), .init(type: "TIMESERIES", key: "i"),
                .init(type: "DESCRIPTION"), .init(type: "SKIP"),
            ],
        ]
        guard
            let mapping = try? ImportMapping(
                entityType: .device, columns: mappings[Int(first) % mappings.count], delimiter: ",", header: false,
                update: false)
        else { fatalError("a fuzz mapping is refused") }
        var scanner = CSVScanner(delimiter: UInt8(ascii: ","))
        var records: [CSVRecord] = []
        do {
            try scanner.feed(bytes.dropFirst()) { records.append($0) }
            try scanner.finish { records.append($0) }
        } catch {}
        // As an import does: the file's repeats first, then each row.
        let identities = ImportRowPlanner(mapping: mapping, timestamp: 0, repeats: .none)
        var finder = ImportRepeatFinder(scratch: nil)
        for record in records where record.fields.count <= mapping.columns.count {
            try? finder.add(identities.identity(of: record.fields))
        }
        guard let repeats = try? finder.finish() else { fatalError("the in-memory finder failed") }
        var planner = ImportRowPlanner(mapping: mapping, timestamp: 1_700_000_000_000, repeats: repeats)
        for record in records {
            guard case .success(let row) = planner.plan(record) else { continue }
            for value in (row.attributes + row.telemetry).map(\.value) {
                switch value {
                case .double(let number) where !number.isFinite: fatalError("a planned non-finite double")
                case .json(let text) where (try? JSONParser.parse(text)) == nil: fatalError("planned JSON that does not parse")
                default: break
                }
            }
        }
    }
}

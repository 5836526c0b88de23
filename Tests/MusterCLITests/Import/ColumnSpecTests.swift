import MusterCore
import Testing

/// `--columns` parsing (`Sources/muster/Import/ColumnSpec.swift`), through the real command's `--print-mapping`,
/// which prints the mapping JSON without contacting a server.
@Suite struct ColumnSpecTests {
    /// Runs `muster import x.csv --columns COLUMNS --print-mapping` and returns the mapping JSON.
    static func mapping(_ columns: String, _ extra: [String] = []) async throws -> (CommandResult, JSONValue?) {
        let result = try await MusterCommandRunner.run(
            ["import", "x.csv", "--entity", "device", "--columns", columns, "--print-mapping"] + extra
        )
        return (result, try? JSONParser.parse(Array(result.stdout.utf8)))
    }

    @Test(arguments: [
        ("name,type", #"[{"type":"NAME"},{"type":"TYPE"}]"#),
        ("NAME,TYPE", #"[{"type":"NAME"},{"type":"TYPE"}]"#),
        (" Name , TYPE ", #"[{"type":"NAME"},{"type":"TYPE"}]"#),
        ("name,type,label,description", #"[{"type":"NAME"},{"type":"TYPE"},{"type":"LABEL"},{"type":"DESCRIPTION"}]"#),
        ("name,type,gateway", #"[{"type":"NAME"},{"type":"TYPE"},{"type":"IS_GATEWAY"}]"#),
        ("name,type,token", #"[{"type":"NAME"},{"type":"TYPE"},{"type":"ACCESS_TOKEN"}]"#),
        ("name,type,x509", #"[{"type":"NAME"},{"type":"TYPE"},{"type":"X509"}]"#),
        (
            "name,type,mqtt-client-id,mqtt-user,mqtt-password",
            #"[{"type":"NAME"},{"type":"TYPE"},{"type":"MQTT_CLIENT_ID"},{"type":"MQTT_USER_NAME"},{"type":"MQTT_PASSWORD"}]"#
        ),
        (
            "name,type,server:serialNumber",
            #"[{"type":"NAME"},{"type":"TYPE"},{"key":"serialNumber","type":"SERVER_ATTRIBUTE"}]"#
        ),
        ("name,type,shared:fw", #"[{"type":"NAME"},{"type":"TYPE"},{"key":"fw","type":"SHARED_ATTRIBUTE"}]"#),
        ("name,type,telemetry:temp", #"[{"type":"NAME"},{"type":"TYPE"},{"key":"temp","type":"TIMESERIES"}]"#),
        (
            "name,type,server:serialNumber:STRING",
            #"[{"type":"NAME"},{"type":"TYPE"},{"key":"serialNumber","type":"SERVER_ATTRIBUTE","valueType":"STRING"}]"#
        ),
        (
            "name,type,telemetry:temp:double,shared:on:Boolean",
            #"[{"type":"NAME"},{"type":"TYPE"},{"key":"temp","type":"TIMESERIES","valueType":"DOUBLE"},"#
                + #"{"key":"on","type":"SHARED_ATTRIBUTE","valueType":"BOOLEAN"}]"#
        ),
        (
            "name,type,server:count:LONG,shared:config:JSON",
            #"[{"type":"NAME"},{"type":"TYPE"},{"key":"count","type":"SERVER_ATTRIBUTE","valueType":"LONG"},"#
                + #"{"key":"config","type":"SHARED_ATTRIBUTE","valueType":"JSON"}]"#
        ),
        (
            "NAME,TYPE,SERVER_ATTRIBUTE:sn,SHARED_ATTRIBUTE:fw:STRING,TIMESERIES:temp,ACCESS_TOKEN",
            #"[{"type":"NAME"},{"type":"TYPE"},{"key":"sn","type":"SERVER_ATTRIBUTE"},"#
                + #"{"key":"fw","type":"SHARED_ATTRIBUTE","valueType":"STRING"},{"key":"temp","type":"TIMESERIES"},"#
                + #"{"type":"ACCESS_TOKEN"}]"#
        ),
        ("label,type,name", #"[{"type":"LABEL"},{"type":"TYPE"},{"type":"NAME"}]"#),
    ])
    func specBecomesColumn(columns: String, expected: String) async throws {
        let (result, json) = try await Self.mapping(columns)
        #expect(result.status == 0, "\(result)")
        #expect(json?["columns"]?.serialized == expected, "\(result)")
    }

    @Test func issueExampleMapsEveryColumn() async throws {
        let (result, json) = try await Self.mapping(
            "name,type,label,server:serialNumber,shared:fw,telemetry:temp,token")
        #expect(result.status == 0, "\(result)")
        #expect(
            json?.serialized == #"{"columns":[{"type":"NAME"},{"type":"TYPE"},{"type":"LABEL"},"#
                + #"{"key":"serialNumber","type":"SERVER_ATTRIBUTE"},{"key":"fw","type":"SHARED_ATTRIBUTE"},"#
                + #"{"key":"temp","type":"TIMESERIES"},{"type":"ACCESS_TOKEN"}],"delimiter":",","dryRun":false,"#
                + #""entityType":"DEVICE","header":true,"update":false}"#
        )
    }

    @Test(arguments: [
        ("name,type,foo", "unknown column 'foo'"),
        ("name,type,Server_Attribute:sn", "unknown column 'Server_Attribute:sn'"),
        ("name,type,server", "'server' needs a key"),
        ("name,type,telemetry:", "'telemetry:' needs a key"),
        ("name,type,label:x", "'label:x' takes no key"),
        ("name,type,server:sn:TEXT", "value type 'TEXT' is not one of STRING, LONG, DOUBLE, BOOLEAN, JSON"),
        ("name,type,server:a:b:c", "'server:a:b:c' has too many ':' parts"),
        ("name,,type", "column 2 is empty"),
        ("name,type,", "column 3 is empty"),
        (
            "name,type,LWM2M_CLIENT_ENDPOINT",
            "'LWM2M_CLIENT_ENDPOINT' is a ThingsBoard column type that Muster does not import"
        ),
        ("name,label,token", "a 'type' column is required"),
        ("type,label", "a 'name' column is required"),
        ("name,type,name", "NAME is mapped twice"),
        ("name,type,server:sn,server:sn", "key 'sn' is mapped twice"),
    ])
    func badSpecIsAUsageError(columns: String, message: String) async throws {
        let (result, _) = try await Self.mapping(columns)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test func credentialColumnsAreRefusedForAssets() async throws {
        let result = try await MusterCommandRunner.run(
            ["import", "x.csv", "--entity", "asset", "--columns", "name,type,token", "--print-mapping"]
        )
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("ACCESS_TOKEN applies to devices only"), "\(result)")
    }

    @Test func flagsReachTheMapping() async throws {
        let result = try await MusterCommandRunner.run(
            [
                "import", "x.csv", "--entity", "asset", "--columns", "name,type", "--no-header", "--update",
                "--dry-run", "--print-mapping",
            ]
        )
        let json = try JSONParser.parse(Array(result.stdout.utf8))
        #expect(result.status == 0, "\(result)")
        #expect(json["entityType"]?.stringValue == "ASSET")
        #expect(json["header"] == .bool(false))
        #expect(json["update"] == .bool(true))
        #expect(json["dryRun"] == .bool(true))
    }

    @Test func entityIsRequired() async throws {
        let result = try await MusterCommandRunner.run(["import", "x.csv", "--columns", "name,type", "--print-mapping"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("--entity"), "\(result)")
    }
}

import Configuration
import MusterApp
import Testing

/// `node.name`: validated when given, `<hostname>:<http port>` when not.
@Suite struct NodeNameConfigurationTests {
    private func configuration(_ values: [AbsoluteConfigKey: ConfigValue]) throws -> MusterConfiguration {
        try MusterConfiguration(config: ConfigReader(provider: InMemoryProvider(values: values)))
    }

    @Test func aGivenNameIsKept() throws {
        #expect(try configuration(["node.name": .init(.string("edge 1 (eu-west)"), isSecret: false)]).nodeName == "edge 1 (eu-west)")
        let longest = String(repeating: "n", count: 64)
        #expect(try configuration(["node.name": .init(.string(longest), isSecret: false)]).nodeName == longest)
    }

    @Test(arguments: ["", String(repeating: "n", count: 65), "a\tb", "a\nb", "a\u{7}b", "a\u{202E}b", " edge", "edge "])
    func anUnprintableEmptyOrLongNameIsRefused(name: String) throws {
        #expect(throws: ConfigurationError.self) {
            try configuration(["node.name": .init(.string(name), isSecret: false)])
        }
    }

    @Test func theDefaultIsTheHostnameAndTheHTTPPort() throws {
        let name = try configuration(["http.port": .init(.int(8081), isSecret: false)]).nodeName
        #expect(name.hasSuffix(":8081") && name.count > 5 && name.count <= 64, "\(name)")
        #expect(NodeName.problem(name) == nil)
    }
}

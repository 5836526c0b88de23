import Testing

/// A named hex datagram for `@Test(arguments:)`, shown by name in test output.
struct Fixture: Sendable, CustomTestStringConvertible {
    let name: String
    let hex: String

    init(_ name: String, _ hex: String) {
        self.name = name
        self.hex = hex
    }

    var testDescription: String { name }
}

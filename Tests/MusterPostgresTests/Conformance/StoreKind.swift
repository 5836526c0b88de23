import Foundation
import Logging
import MusterCore
import MusterTestSupport
import Testing

/// The stores the conformance suite runs against: each test of `Conformance/` takes a `StoreKind` argument and
/// runs the same code, through the core's ports only, on a fresh SQLite file and on a fresh PostgreSQL database.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Every port of the core (`MusterStore`), which both stores implement.
    typealias Ports = MusterStore

    /// Runs `body` with a new, empty store of this kind, opened exactly as the server opens it.
    func withStore(_ body: (any Ports) async throws -> Void) async throws {
        try await (self == .sqlite ? TestStoreKind.sqlite : .postgres).withStore(body)
    }
}

/// Ids and times for conformance tests: ids whose byte order is their number's order (both stores order ids
/// by their 16 bytes), and a fixed clock.
enum Fixed {
    static let now: Int64 = 1_764_400_000_000

    static func id(_ number: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", number))!
    }
}

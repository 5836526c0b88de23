import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

@Suite struct SQLiteStoreKeyValuesTests {
    static let values: [AttributeValue] = [
        .string(""), .string("héllo \"quoted\"\n"), .string("42"), .long(0), .long(.max), .long(.min),
        .double(0), .double(-0.0), .double(1), .double(-1.5e300), .double(.infinity), .double(-.infinity),
        .double(.leastNonzeroMagnitude), .boolean(true), .boolean(false), .json("{\"a\":[1,2.0]}"), .json("[]"),
    ]

    @Test(arguments: values)
    func everyAttributeValueRoundTripsExactly(_ value: AttributeValue) async throws {
        try await withStore { store in
            let entity = Make.id()
            try await store.saveAttributes(
                entityId: entity, scope: .client, [Attribute(key: "k", value: value, lastUpdateTs: 7)])
            let stored = try await store.attributes(entityId: entity, scope: .client, keys: ["k"])
            #expect(stored == [Attribute(key: "k", value: value, lastUpdateTs: 7)])
            try await store.saveTimeseries(entityId: entity, [TimeseriesPoint(key: "k", ts: 9, value: value)])
            #expect(
                try await store.latestTimeseries(entityId: entity, keys: nil) == [
                    TimeseriesPoint(key: "k", ts: 9, value: value)
                ])
            let samples = try await store.timeseries(
                entityId: entity, keys: ["k"], startTs: 0, endTs: 10, limit: 5, ascending: true)
            #expect(samples == [TimeseriesPoint(key: "k", ts: 9, value: value)])
            if case .double(let number) = value, case .double(let read)? = samples.first?.value {
                #expect(number.bitPattern == read.bitPattern, "the sign of zero is kept")
            }
        }
    }

    @Test func nanReadsBackAsNaN() async throws {
        try await withStore { store in
            let entity = Make.id()
            try await store.saveAttributes(
                entityId: entity, scope: .shared, [Attribute(key: "n", value: .double(.nan), lastUpdateTs: 1)])
            let stored = try await store.attributes(entityId: entity, scope: .shared, keys: nil)
            guard case .double(let number)? = stored.first?.value else {
                Issue.record("not a double: \(stored)")
                return
            }
            #expect(number.isNaN)
        }
    }

    @Test func attributesAreKeptPerScopeReplacedAndDeleted() async throws {
        try await withStore { store in
            let entity = Make.id()
            try await store.saveAttributes(
                entityId: entity, scope: .server,
                [
                    Attribute(key: "b", value: .long(1), lastUpdateTs: 1),
                    Attribute(key: "a", value: .string("x"), lastUpdateTs: 1),
                ])
            try await store.saveAttributes(
                entityId: entity, scope: .shared, [Attribute(key: "a", value: .boolean(true), lastUpdateTs: 2)])
            try await store.saveAttributes(
                entityId: entity, scope: .server, [Attribute(key: "b", value: .double(2.5), lastUpdateTs: 3)])

            #expect(
                try await store.attributes(entityId: entity, scope: .server, keys: nil) == [
                    Attribute(key: "a", value: .string("x"), lastUpdateTs: 1),
                    Attribute(key: "b", value: .double(2.5), lastUpdateTs: 3),
                ])
            #expect(
                try await store.attributes(entityId: entity, scope: .server, keys: ["b", "zz"]).map(\.key) == ["b"])
            #expect(try await store.attributes(entityId: entity, scope: .server, keys: []).isEmpty)
            #expect(try await store.attributes(entityId: entity, scope: .client, keys: nil).isEmpty)
            #expect(
                try await store.deleteAttributes(entityId: entity, scope: .server, keys: ["a", "b", "missing"]) == 2)
            #expect(try await store.attributes(entityId: entity, scope: .shared, keys: nil).count == 1)
        }
    }

    @Test func timeseriesKeepsSamplesAndTheLatestValue() async throws {
        try await withStore { store in
            let entity = Make.id()
            try await store.saveTimeseries(
                entityId: entity, (1...5).map { TimeseriesPoint(key: "t", ts: Int64($0), value: .long(Int64($0))) })
            // An older sample arriving late does not move the latest value back.
            try await store.saveTimeseries(
                entityId: entity,
                [
                    TimeseriesPoint(key: "t", ts: 0, value: .long(0)),
                    TimeseriesPoint(key: "h", ts: 3, value: .string("x")),
                ])

            #expect(
                try await store.latestTimeseries(entityId: entity, keys: ["t"]) == [
                    TimeseriesPoint(key: "t", ts: 5, value: .long(5))
                ])
            #expect(try await store.latestTimeseries(entityId: entity, keys: nil).map(\.key) == ["h", "t"])
            #expect(try await store.timeseriesKeys(entityId: entity) == ["h", "t"])

            let newest = try await store.timeseries(
                entityId: entity, keys: ["t", "h"], startTs: 1, endTs: 4, limit: 2, ascending: false)
            #expect(newest.map(\.ts) == [4, 3, 3])
            #expect(newest.map(\.key) == ["t", "t", "h"])
            let oldest = try await store.timeseries(
                entityId: entity, keys: ["t"], startTs: 0, endTs: 100, limit: 10, ascending: true)
            #expect(oldest.map(\.ts) == [0, 1, 2, 3, 4, 5])
            #expect(
                try await store.timeseries(
                    entityId: entity, keys: ["t"], startTs: 5, endTs: 1, limit: 10, ascending: true
                ).isEmpty)
        }
    }
}

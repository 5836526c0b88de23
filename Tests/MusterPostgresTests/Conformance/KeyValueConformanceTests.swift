import Foundation
import MusterCore
import Testing

/// ``KeyValueStore`` on every store: exact round trips of every value, scopes, replacement, deletion, the latest
/// value of a time series, ranges and limits.
@Suite struct KeyValueConformanceTests {
    static let values: [AttributeValue] = [
        .string(""), .string("héllo \"quoted\"\n"), .string("42"), .long(0), .long(.max), .long(.min),
        .double(0), .double(-0.0), .double(1), .double(-1.5e300), .double(.infinity), .double(-.infinity),
        .double(.leastNonzeroMagnitude), .boolean(true), .boolean(false), .json("{\"a\":[1,2.0]}"), .json("[]"),
    ]

    @Test(arguments: StoreKind.allCases)
    func everyValueRoundTripsExactly(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            for (index, value) in Self.values.enumerated() {
                let entity = Fixed.id(index)
                let attribute = Attribute(key: "k", value: value, lastUpdateTs: 7)
                try await store.saveAttributes(entityId: entity, scope: .client, [attribute])
                #expect(try await store.attributes(entityId: entity, scope: .client, keys: ["k"]) == [attribute])
                let point = TimeseriesPoint(key: "k", ts: 9, value: value)
                try await store.saveTimeseries(entityId: entity, [point])
                #expect(try await store.latestTimeseries(entityId: entity, keys: nil) == [point])
                let samples = try await store.timeseries(
                    entityId: entity, keys: ["k"], startTs: 0, endTs: 10, limit: 5, ascending: true)
                #expect(samples == [point])
                if case .double(let number) = value, case .double(let read)? = samples.first?.value {
                    #expect(number.bitPattern == read.bitPattern, "the sign of zero is kept")
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func nanReadsBackAsNaN(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let entity = Fixed.id(1)
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

    @Test(arguments: StoreKind.allCases)
    func attributesAreKeptPerScopeReplacedAndDeleted(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let entity = Fixed.id(1)
            try await store.saveAttributes(
                entityId: entity, scope: .server,
                [
                    Attribute(key: "b", value: .long(1), lastUpdateTs: 1),
                    Attribute(key: "a", value: .string("x"), lastUpdateTs: 1),
                    Attribute(key: "B", value: .long(2), lastUpdateTs: 1),
                    Attribute(key: "é", value: .long(3), lastUpdateTs: 1),
                ])
            try await store.saveAttributes(
                entityId: entity, scope: .shared, [Attribute(key: "a", value: .boolean(true), lastUpdateTs: 2)])
            try await store.saveAttributes(
                entityId: entity, scope: .server, [Attribute(key: "b", value: .double(2.5), lastUpdateTs: 3)])

            #expect(
                try await store.attributes(entityId: entity, scope: .server, keys: nil) == [
                    Attribute(key: "B", value: .long(2), lastUpdateTs: 1),
                    Attribute(key: "a", value: .string("x"), lastUpdateTs: 1),
                    Attribute(key: "b", value: .double(2.5), lastUpdateTs: 3),
                    Attribute(key: "é", value: .long(3), lastUpdateTs: 1),
                ])
            #expect(
                try await store.attributes(entityId: entity, scope: .server, keys: ["b", "zz"]).map(\.key) == ["b"])
            #expect(try await store.attributes(entityId: entity, scope: .server, keys: []).isEmpty)
            #expect(try await store.attributes(entityId: entity, scope: .client, keys: nil).isEmpty)
            #expect(
                try await store.deleteAttributes(entityId: entity, scope: .server, keys: ["a", "b", "missing"]) == 2)
            #expect(try await store.deleteAttributes(entityId: entity, scope: .server, keys: []) == 0)
            #expect(try await store.attributes(entityId: entity, scope: .server, keys: nil).map(\.key) == ["B", "é"])
            #expect(try await store.attributes(entityId: entity, scope: .shared, keys: nil).count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func timeseriesKeepsSamplesAndTheLatestValue(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let entity = Fixed.id(1)
            try await store.saveTimeseries(
                entityId: entity, (1...5).map { TimeseriesPoint(key: "t", ts: Int64($0), value: .long(Int64($0))) })
            // An older sample arriving late does not move the latest value back; a sample at a known ts replaces it.
            try await store.saveTimeseries(
                entityId: entity,
                [
                    TimeseriesPoint(key: "t", ts: 0, value: .long(0)),
                    TimeseriesPoint(key: "h", ts: 3, value: .string("x")),
                    TimeseriesPoint(key: "t", ts: 2, value: .string("two")),
                ])

            #expect(
                try await store.latestTimeseries(entityId: entity, keys: ["t"]) == [
                    TimeseriesPoint(key: "t", ts: 5, value: .long(5))
                ])
            #expect(try await store.latestTimeseries(entityId: entity, keys: nil).map(\.key) == ["h", "t"])
            #expect(try await store.latestTimeseries(entityId: entity, keys: []).isEmpty)
            #expect(try await store.timeseriesKeys(entityId: entity) == ["h", "t"])

            let newest = try await store.timeseries(
                entityId: entity, keys: ["t", "h"], startTs: 1, endTs: 4, limit: 2, ascending: false)
            #expect(newest.map(\.ts) == [4, 3, 3])
            #expect(newest.map(\.key) == ["t", "t", "h"])
            let oldest = try await store.timeseries(
                entityId: entity, keys: ["t"], startTs: 0, endTs: 100, limit: 10, ascending: true)
            #expect(oldest.map(\.ts) == [0, 1, 2, 3, 4, 5])
            #expect(oldest[2].value == .string("two"))
            #expect(
                try await store.timeseries(
                    entityId: entity, keys: ["t"], startTs: 5, endTs: 1, limit: 10, ascending: true
                ).isEmpty)
            #expect(try await store.timeseriesKeys(entityId: Fixed.id(2)).isEmpty)
        }
    }
}

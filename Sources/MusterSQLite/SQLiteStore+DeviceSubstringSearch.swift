import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    /// The most matches a substring search counts (the total shown is then "at least" this many).
    static let substringCountCap = 10_000
    /// Up to this many matches, a substring search reads them from the trigram index and sorts them; beyond it, it
    /// walks the sort's own index and keeps the names that contain the text, which stops after one page when the
    /// matches are that dense.
    static let sparseSubstringMatches = 2_000

    /// A page of the devices of `tenantId` (of one profile when `profileId` is set) whose folded name contains
    /// `needle`, in the page's order; see ``SQLiteMigrations/deviceTrigrams``.
    ///
    /// Text of 3 characters or more is looked up in the trigram index (the `LIKE` narrows by trigrams, `instr` then
    /// keeps exact matches, since `%` and `_` in the text are wildcards to `LIKE`); shorter text, which trigrams
    /// cannot narrow and which matches densely anyway, walks the sort's index.
    func devices(tenantId: UUID, profileId: UUID?, containing needle: String, _ link: PageLink) async throws -> Page<DeviceListing> {
        let query = PageQuery(link)
        let order = query.ordering(alias: "d.", type: "type", label: "label")
        let byTrigrams = needle.count >= 3
        let pattern = "%" + needle + "%"
        let scope = profileId == nil ? "d.tenant_id = ?" : "d.tenant_id = ? AND d.device_profile_id = ?"
        let scopeArguments: StatementArguments = profileId.map { [tenantId, $0] } ?? [tenantId]
        // The trigram lookup drives the join (CROSS JOIN keeps SQLite's planner from starting at `devices`).
        let matches = """
            FROM device_trigrams AS f CROSS JOIN device_search AS s ON s.rowid = f.rowid
            CROSS JOIN devices AS d ON d.id = s.device_id
            WHERE f.search_text LIKE ? AND instr(s.search_text, ?) > 0 AND \(scope)
            """
        let walk = "FROM devices AS d WHERE \(scope) AND instr(d.search_text, ?) > 0"
        let cap = Self.substringCountCap
        let countSQL = "SELECT COUNT(*) FROM (SELECT 1 \(byTrigrams ? matches : walk) LIMIT \(cap))"
        let countArguments: StatementArguments =
            byTrigrams ? [pattern, needle] + scopeArguments : scopeArguments + [needle]
        if byTrigrams {
            let behind = try await dbPool.read { db in try Bool.fetchOne(db, sql: Self.namesNotIndexedSQL) ?? false }
            if behind { try await dbPool.write { db in try Self.indexNewDeviceNames(db) } }
        }
        return try await dbPool.read { db in
            let total = try Int.fetchOne(db.cachedStatement(sql: countSQL), arguments: countArguments) ?? 0
            var arguments: StatementArguments
            let ids: String
            if byTrigrams, total <= Self.sparseSubstringMatches {
                ids = "SELECT d.id \(matches) ORDER BY \(order)\(query.limitClause)"
                arguments = [pattern, needle] + scopeArguments
            } else {
                ids = "SELECT d.id \(walk) ORDER BY \(order)\(query.limitClause)"
                arguments = scopeArguments + [needle]
            }
            query.appendLimitArguments(to: &arguments)
            arguments += [WellKnownAttribute.provisionState]
            let sql = DevicePageStatements.listing(ids: ids, order: order)
            let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
            return query.page(try rows.map(Self.decodeListing), total: total)
        }
    }

    /// Whether device names were stored since they were last indexed.
    static let namesNotIndexedSQL =
        "SELECT (SELECT coalesce(max(rowid), 0) FROM device_search) > (SELECT upto FROM device_search_indexed)"

    /// Adds the names stored since the last call to the trigram index, in one statement (see
    /// ``SQLiteMigrations/deviceTrigrams``). Called in the writing transaction at the end of an import batch, and
    /// before a substring search reads.
    package static func indexNewDeviceNames(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO device_trigrams (rowid, search_text)
                SELECT rowid, search_text FROM device_search WHERE rowid > (SELECT upto FROM device_search_indexed);
            UPDATE device_search_indexed SET upto = (SELECT coalesce(max(rowid), 0) FROM device_search);
            """)
    }
}

/// Why the SQLite store refused or could not read something that the store protocols have no result case for.
package enum SQLiteStoreError: Error, Equatable, Sendable {
    /// A stored value could not be read back as its entity field (a corrupt or hand-edited row).
    case invalidStoredValue(table: String, column: String)
    /// A save named an id that belongs to another tenant's row; nothing was written.
    case idOwnedByAnotherTenant(table: String)
    /// The device a write refers to does not exist.
    case deviceNotFound
    /// A connection setting read back differently from what was set.
    case pragmaNotApplied(name: String)
}

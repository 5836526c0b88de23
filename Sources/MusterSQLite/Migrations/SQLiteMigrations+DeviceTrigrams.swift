extension SQLiteMigrations {
    /// Substring search of device names (`textSearchMode=CONTAINS`): an FTS5 index of the names' trigrams.
    ///
    /// FTS5 keys its rows by an integer rowid and `devices` is `WITHOUT ROWID` (keyed by its UUID), so the names are
    /// copied into `device_search` (rowid, device id, tenant, `search_text`) by triggers on `devices`, and the FTS5
    /// table indexes that as its external content. Rowids are `AUTOINCREMENT`: never reused, so "indexed up to"
    /// is exact.
    ///
    /// New names are indexed in bulk, not by a trigger per row: one FTS5 insert per row cost about 20 µs (a
    /// million-row import went from 47 s to 94 s), one statement for all the rows written since the last time about
    /// 2 µs per row. ``SQLiteStore/indexNewDeviceNames(_:)`` does it at the end of each import batch and before a
    /// substring search reads; `device_search_indexed.upto` is the last rowid indexed. Deletions and renames of
    /// rows already indexed are applied to the index at once by triggers. Measured on 1,000,000 names: a substring
    /// matching a few hundred names is found in about 4 ms, where scanning every name takes about 100 ms.
    static let deviceTrigrams = """
        CREATE TABLE device_search (
            rowid INTEGER PRIMARY KEY AUTOINCREMENT,
            device_id BLOB NOT NULL UNIQUE,
            tenant_id BLOB NOT NULL,
            search_text TEXT NOT NULL
        ) STRICT;
        CREATE TABLE device_search_indexed (upto INTEGER NOT NULL) STRICT;
        CREATE VIRTUAL TABLE device_trigrams USING fts5(
            search_text, content = 'device_search', content_rowid = 'rowid', tokenize = 'trigram', detail = 'none'
        );
        INSERT INTO device_search (device_id, tenant_id, search_text) SELECT id, tenant_id, search_text FROM devices;
        INSERT INTO device_trigrams (device_trigrams) VALUES ('rebuild');
        INSERT INTO device_search_indexed (upto) SELECT coalesce(max(rowid), 0) FROM device_search;

        CREATE TRIGGER devices_search_insert AFTER INSERT ON devices BEGIN
            INSERT INTO device_search (device_id, tenant_id, search_text) VALUES (new.id, new.tenant_id, new.search_text);
        END;
        CREATE TRIGGER devices_search_delete AFTER DELETE ON devices BEGIN
            DELETE FROM device_search WHERE device_id = old.id;
        END;
        CREATE TRIGGER devices_search_rename AFTER UPDATE OF search_text ON devices
            WHEN new.search_text IS NOT old.search_text BEGIN
            UPDATE device_search SET search_text = new.search_text WHERE device_id = new.id;
        END;
        CREATE TRIGGER device_search_delete AFTER DELETE ON device_search
            WHEN old.rowid <= (SELECT upto FROM device_search_indexed) BEGIN
            INSERT INTO device_trigrams (device_trigrams, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
        END;
        CREATE TRIGGER device_search_update AFTER UPDATE ON device_search
            WHEN old.rowid <= (SELECT upto FROM device_search_indexed) BEGIN
            INSERT INTO device_trigrams (device_trigrams, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
            INSERT INTO device_trigrams (rowid, search_text) VALUES (new.rowid, new.search_text);
        END;
        """
}

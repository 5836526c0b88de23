import MusterCore
import PostgresNIO

extension PostgresStore {
    /// Sets the installation setting `name` to `value`, replacing what was stored (a rotated JWT signing key).
    package func replaceSetting(_ name: String, value: String) async throws {
        try await statement(
            "INSERT INTO settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
    }
}

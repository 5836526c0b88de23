import Foundation

extension Principal {
    /// The tenant a tenant admin acts in.
    /// - Throws: ``AdminError/forbidden`` for a system admin, who owns no devices.
    package func requireTenant() throws(AdminError) -> UUID {
        guard authority == .tenantAdmin, let tenantId else { throw .forbidden }
        return tenantId
    }

    /// - Throws: ``AdminError/forbidden`` unless this is a system admin.
    package func requireSystemAdmin() throws(AdminError) {
        guard authority == .systemAdmin else { throw .forbidden }
    }
}

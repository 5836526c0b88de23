import Foundation

/// The admin an action is done for, and where the request came from: what the audit records as its actor.
package struct AdminActor: Sendable, Hashable {
    package var principal: Principal
    package var sourceAddress: String

    package init(principal: Principal, sourceAddress: String) {
        self.principal = principal
        self.sourceAddress = sourceAddress
    }
}

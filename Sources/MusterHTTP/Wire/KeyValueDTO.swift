import Foundation
import MusterCore

/// `[{"lastUpdateTs":…,"key":…,"value":…}, …]` as JSON text. Written from ``JSONValue`` trees rather than
/// `JSONEncoder`, which would print the double `1.0` as `1` and fail on a non-finite double.
func attributesJSON(_ attributes: [Attribute]) -> [UInt8] {
    let items: [JSONValue] = attributes.map {
        .object(["lastUpdateTs": .number(String($0.lastUpdateTs)), "key": .string($0.key), "value": $0.value.jsonValue])
    }
    return Array(JSONValue.array(items).serialized.utf8)
}

/// `{"key":[{"ts":…,"value":…}], …}` as JSON text; values are strings unless `strict` (then typed, doubles keep
/// their fraction).
func timeseriesJSON(_ points: [TimeseriesPoint], strict: Bool) -> [UInt8] {
    var result: [String: [JSONValue]] = [:]
    for point in points {
        let value: JSONValue = strict ? point.value.jsonValue : .string(point.value.textValue)
        result[point.key, default: []].append(.object(["ts": .number(String(point.ts)), "value": value]))
    }
    return Array(JSONValue.object(result.mapValues(JSONValue.array)).serialized.utf8)
}

/// One audit entry as `GET /api/audit/logs` returns it (ThingsBoard's `AuditLog` shape, with the provisioning
/// details in `actionData`, and Muster's `node`: the node that served the attempt, absent for older entries).
struct AuditLogDTO: Encodable {
    var id: EntityIdDTO
    var createdTime: Int64
    var tenantId: EntityIdDTO?
    var entityId: EntityIdDTO?
    var entityName: String?
    var userName: String?
    var actionType: String
    var actionStatus: String
    var actionFailureDetails: String?
    var actionData: JSONValue
    var node: String?
    /// Muster's own fields: what was done, by which admin, and what changed.
    var action: String
    var actor: String?
    var details: String?

    init(_ entry: AuditEntry) {
        id = EntityIdDTO(.auditLog, entry.id)
        createdTime = entry.time
        tenantId = entry.tenantId.map { EntityIdDTO(.tenant, $0) }
        let isLogin = entry.action == .login
        entityId = entry.deviceId.map { EntityIdDTO(Self.entityKind(entry.action), $0) }
        entityName = entry.deviceName
        userName = entry.actor ?? (isLogin ? entry.deviceName : nil)
        action = entry.action.rawValue
        actor = entry.actor
        details = entry.details
        switch entry.outcome {
        case .success where entry.action == .provision:
            (actionType, actionStatus, actionFailureDetails) = ("PROVISION_SUCCESS", "SUCCESS", nil)
        case .success:
            (actionType, actionStatus, actionFailureDetails) = (entry.action.rawValue, "SUCCESS", nil)
        case .sessionClosed:
            // The server closed a device session (revocation, takeover): done as intended; why is in `reason`.
            (actionType, actionStatus, actionFailureDetails) = ("DEVICE_SESSION_CLOSED", "SUCCESS", nil)
        case .notFound, .failure, .rateLimited, .badRequest:
            (actionType, actionStatus, actionFailureDetails) = ("PROVISION_FAILURE", "FAILURE", entry.reason)
        case .loginFailed, .loginRefused:
            (actionType, actionStatus, actionFailureDetails) = ("LOGIN", "FAILURE", entry.reason)
        case .lockedOut:
            (actionType, actionStatus, actionFailureDetails) = ("LOCKOUT", "FAILURE", entry.reason)
        }
        var data: [String: JSONValue] = [
            "transport": .string(entry.transport.rawValue), "sourceAddress": .string(entry.sourceAddress),
            "outcome": .string(entry.outcome.rawValue), "reason": .string(entry.reason),
        ]
        if let profileId = entry.profileId { data["profileId"] = .string(profileId.lowercasedString) }
        if let profileName = entry.profileName { data["profileName"] = .string(profileName) }
        if let deviceName = entry.deviceName { data[isLogin ? "account" : "deviceName"] = .string(deviceName) }
        if let details = entry.details { data["details"] = .string(details) }
        actionData = .object(data)
        node = entry.node
    }

    /// The kind of entity an action's `deviceId` names.
    static func entityKind(_ action: AuditAction) -> EntityKind {
        switch action {
        case .login, .userCreated: .user
        case .tenantCreated: .tenant
        case .assetCreated, .assetUpdated, .assetDeleted: .asset
        default: .device
        }
    }
}

/// A name a limiter refuses now (`GET /api/audit/coolingOff`).
struct CoolingOffDTO: Encodable {
    /// `PROVISION_SOURCE`, `PROVISION_KEY`, `LOGIN_ACCOUNT` or `LOGIN_SOURCE`.
    var scope: String
    var name: String
    /// Epoch milliseconds.
    var until: Int64
    var retryAfterSeconds: Int

    init(_ coolingOff: CoolingOff, now: Int64) {
        scope = coolingOff.scope.rawValue
        name = coolingOff.name
        until = coolingOff.until
        retryAfterSeconds = FailureCounter.seconds(from: now, until: coolingOff.until)
    }
}

import Foundation
import MusterCore

/// `{"lastUpdateTs":…,"key":…,"value":…}`.
struct AttributeDTO: Encodable {
    var lastUpdateTs: Int64
    var key: String
    var value: JSONValue

    init(_ attribute: Attribute) {
        lastUpdateTs = attribute.lastUpdateTs
        key = attribute.key
        value = attribute.value.json
    }
}

/// `{"ts":…,"value":…}` inside a time-series map.
struct TimeseriesValueDTO: Encodable {
    var ts: Int64
    var value: JSONValue
}

extension AttributeValue {
    /// The value as JSON (strict data types).
    var json: JSONValue {
        switch self {
        case .string(let text): return .string(text)
        case .long(let number): return .number(String(number))
        case .double(let number): return .number(String(number))
        case .boolean(let flag): return .bool(flag)
        case .json(let text): return (try? JSONParser.parse(text)) ?? .string(text)
        }
    }
}

/// `{"key":[{"ts":…,"value":…}], …}`; values are strings unless `strict`.
func timeseriesMap(_ points: [TimeseriesPoint], strict: Bool) -> [String: [TimeseriesValueDTO]] {
    var result: [String: [TimeseriesValueDTO]] = [:]
    for point in points {
        let value: JSONValue = strict ? point.value.json : .string(point.value.textValue)
        result[point.key, default: []].append(TimeseriesValueDTO(ts: point.ts, value: value))
    }
    return result
}

/// One audit entry as `GET /api/audit/logs` returns it (ThingsBoard's `AuditLog` shape, with the provisioning
/// details in `actionData`).
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

    init(_ entry: AuditEntry) {
        id = EntityIdDTO(.auditLog, entry.id)
        createdTime = entry.time
        tenantId = entry.tenantId.map { EntityIdDTO(.tenant, $0) }
        entityId = entry.deviceId.map { EntityIdDTO(.device, $0) }
        entityName = entry.deviceName
        userName = entry.deviceName
        switch entry.outcome {
        case .success:
            (actionType, actionStatus, actionFailureDetails) = ("PROVISION_SUCCESS", "SUCCESS", nil)
        case .sessionClosed:
            // The server closed a device session (revocation, takeover): done as intended; why is in `reason`.
            (actionType, actionStatus, actionFailureDetails) = ("DEVICE_SESSION_CLOSED", "SUCCESS", nil)
        case .notFound, .failure, .rateLimited, .badRequest:
            (actionType, actionStatus, actionFailureDetails) = ("PROVISION_FAILURE", "FAILURE", entry.reason)
        }
        var data: [String: JSONValue] = [
            "transport": .string(entry.transport.rawValue), "sourceAddress": .string(entry.sourceAddress),
            "outcome": .string(entry.outcome.rawValue), "reason": .string(entry.reason),
        ]
        if let profileId = entry.profileId { data["profileId"] = .string(profileId.lowercasedString) }
        if let profileName = entry.profileName { data["profileName"] = .string(profileName) }
        if let deviceName = entry.deviceName { data["deviceName"] = .string(deviceName) }
        actionData = .object(data)
    }
}

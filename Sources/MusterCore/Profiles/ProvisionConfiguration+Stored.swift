/// How both stores keep a provision configuration: one JSON object with ThingsBoard's field names (and Muster's
/// `reprovision`, `previousProvisionDeviceSecret`, `previousSecretValidUntil`, `validUntil`), written and read here
/// so that the two stores cannot drift apart.
extension ProvisionConfiguration {
    /// The stored JSON.
    package var storedJSON: JSONValue {
        var members: [String: JSONValue] = [
            "type": .string(type.rawValue),
            "reprovision": .string(reprovision.rawValue),
        ]
        if let provisionDeviceSecret { members["provisionDeviceSecret"] = .string(provisionDeviceSecret) }
        if let certificateRegExPattern { members["certificateRegExPattern"] = .string(certificateRegExPattern) }
        if let allowCreateNewDevicesByX509Certificate {
            members["allowCreateNewDevicesByX509Certificate"] = .bool(allowCreateNewDevicesByX509Certificate)
        }
        if let previousProvisionDeviceSecret {
            members["previousProvisionDeviceSecret"] = .string(previousProvisionDeviceSecret)
        }
        if let previousSecretValidUntil { members["previousSecretValidUntil"] = .number(String(previousSecretValidUntil)) }
        if let validUntil { members["validUntil"] = .number(String(validUntil)) }
        if let maxDevices { members["maxDevices"] = .number(String(maxDevices)) }
        return .object(members)
    }

    /// The configuration stored as `json`, or `nil` when it is not one.
    package init?(stored json: JSONValue) {
        guard case .object(let members) = json, let typeText = members["type"]?.stringValue,
            let type = ProvisionType(rawValue: typeText)
        else { return nil }
        var reprovision = ReprovisionPolicy.returnExisting
        if let text = members["reprovision"]?.stringValue {
            guard let policy = ReprovisionPolicy(rawValue: text) else { return nil }
            reprovision = policy
        }
        var allow: Bool?
        if case .bool(let flag)? = members["allowCreateNewDevicesByX509Certificate"] { allow = flag }
        func integer(_ key: String) -> Int64? {
            if case .number(let text)? = members[key] { return Int64(text) }
            return nil
        }
        self.init(
            type: type, provisionDeviceSecret: members["provisionDeviceSecret"]?.stringValue,
            certificateRegExPattern: members["certificateRegExPattern"]?.stringValue,
            allowCreateNewDevicesByX509Certificate: allow, reprovision: reprovision,
            previousProvisionDeviceSecret: members["previousProvisionDeviceSecret"]?.stringValue,
            previousSecretValidUntil: integer("previousSecretValidUntil"), validUntil: integer("validUntil"),
            maxDevices: integer("maxDevices").map { Int($0) })
    }
}

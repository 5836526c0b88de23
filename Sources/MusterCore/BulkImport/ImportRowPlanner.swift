import Foundation

/// Turns CSV records into ``ImportRow``s: applies the mapping, skips empty cells, infers or converts values,
/// checks names and credentials, and catches names and credentials repeated inside the file (decision 4).
package struct ImportRowPlanner: Sendable {
    private let mapping: ImportMapping
    private let timestamp: Int64
    private var ids = EntityIdentifier.Sequence()
    /// First line of each name and credentials id seen, keyed by hash (a 64-bit collision is negligible).
    private var namesSeen: [Int: Int32] = [:]
    private var credentialsSeen: [Int: Int32] = [:]

    package init(mapping: ImportMapping, timestamp: Int64) {
        self.mapping = mapping
        self.timestamp = timestamp
    }

    /// The row of `record`, or why it cannot be applied.
    package mutating func plan(_ record: CSVRecord) -> Result<ImportRow, ImportRowError> {
        let cells = record.fields
        guard cells.count <= mapping.columns.count else {
            return .failure(.tooManyCells(count: cells.count, columns: mapping.columns.count))
        }
        var row = ImportRow(
            line: record.number, cells: cells, name: "", newEntityId: ids.next(at: timestamp),
            newCredentialsId: ids.next(at: timestamp)
        )
        var token: String?
        var certificate: String?
        var mqtt = MQTTBasicCredentials(clientId: nil, userName: nil, password: nil)
        var mqttGiven = false
        for (index, cell) in cells.enumerated() where !cell.isEmpty {
            let column = mapping.columns[index]
            switch column.type {
            case .skip: continue
            case .name: row.name = cell
            case .type: row.profileName = cell
            case .label: row.label = cell
            case .description: row.description = cell
            case .isGateway: row.gateway = cell.lowercased() == "true"
            case .accessToken: token = cell
            case .x509: certificate = cell
            case .mqttClientId: (mqtt.clientId, mqttGiven) = (cell, true)
            case .mqttUserName: (mqtt.userName, mqttGiven) = (cell, true)
            case .mqttPassword: (mqtt.password, mqttGiven) = (cell, true)
            case .sharedAttribute, .serverAttribute, .timeseries:
                let key = column.key ?? ""
                let value: AttributeValue
                if let type = column.valueType {
                    do { value = try AttributeValue.converted(fromCell: cell, to: type) } catch {
                        return .failure(.invalidValue(column: index + 1, key: key, error))
                    }
                } else {
                    value = AttributeValue.inferred(fromCell: cell)
                }
                switch column.type {
                case .sharedAttribute: row.attributes.append(ImportKeyValue(scope: .shared, key: key, value: value))
                case .serverAttribute: row.attributes.append(ImportKeyValue(scope: .server, key: key, value: value))
                default: row.telemetry.append(ImportKeyValue(scope: nil, key: key, value: value))
                }
            }
        }
        row.name = EntityName.trimmed(row.name)
        guard !row.name.isEmpty else { return .failure(.emptyName) }
        do { try EntityName.validate(row.name) } catch { return .failure(.invalidName(error)) }
        if let profileName = row.profileName {
            do { try EntityName.validate(profileName) } catch { return .failure(.invalidProfileName(error)) }
        }
        do {
            // ThingsBoard's precedence (§5.3): X509, then MQTT basic, then an access token.
            if let certificate {
                row.credentials = try CredentialRules.x509(certificate)
            } else if mqttGiven {
                row.credentials = try CredentialRules.mqttBasic(mqtt)
            } else if let token {
                row.credentials = try CredentialRules.accessToken(token)
            }
        } catch {
            return .failure(.invalidCredentials(error))
        }
        if let first = namesSeen[row.name.hashValue] { return .failure(.duplicateName(firstLine: Int(first))) }
        if let credentials = row.credentials, let first = credentialsSeen[credentials.credentialsId.hashValue] {
            return .failure(.duplicateCredentials(firstLine: Int(first)))
        }
        namesSeen[row.name.hashValue] = Int32(clamping: record.number)
        if let credentials = row.credentials {
            credentialsSeen[credentials.credentialsId.hashValue] = Int32(clamping: record.number)
        } else if mapping.entityType == .device {
            row.generatedCredentials = CredentialRules.randomAccessToken()
        }
        return .success(row)
    }
}

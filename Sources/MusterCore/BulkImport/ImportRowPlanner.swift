import Foundation

/// Turns CSV records into ``ImportRow``s: applies the mapping, skips empty cells, infers or converts values,
/// checks names and credentials, and catches names and credentials repeated inside the file (decision 4).
package struct ImportRowPlanner: Sendable {
    private let mapping: ImportMapping
    private let timestamp: Int64
    private let repeats: ImportRepeats
    private var ids = EntityIdentifier.Sequence()
    /// First line of each repeated name and credentials id seen so far, by fingerprint; only the fingerprints the
    /// check pass found more than once are tracked, so this stays as small as the file's repeats.
    private var firstLines: [UInt64: Int32] = [:]

    /// - Parameter repeats: The fingerprints (``identity(of:)``) the file holds more than once: the check pass's
    ///   ``ImportRepeatFinder`` result. A name or credentials id outside it is taken as the file's only one.
    package init(mapping: ImportMapping, timestamp: Int64, repeats: ImportRepeats) {
        self.mapping = mapping
        self.timestamp = timestamp
        self.repeats = repeats
    }

    /// The name and credentials a record asks for, before any check: what makes two rows the same entity or
    /// the same credentials.
    package struct Identity {
        /// The trimmed name (possibly empty or invalid).
        package var name: String
        package var profileName: String?
        /// The credentials the cells give (`nil`: none), or why they are invalid.
        package var credentials: Result<CredentialsMaterial?, CredentialsError>

        /// The fingerprint of the name, for ``ImportRepeatFinder``.
        package var nameFingerprint: UInt64 { Self.fingerprint(0, name) }
        /// The fingerprint of the credentials id, when the cells give valid credentials.
        package var credentialsFingerprint: UInt64? {
            guard case .success(let credentials?) = credentials else { return nil }
            return Self.fingerprint(1, credentials.credentialsId)
        }

        private static func fingerprint(_ kind: UInt8, _ value: String) -> UInt64 {
            var hasher = Hasher()
            hasher.combine(kind)
            hasher.combine(value)
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }
    }

    /// The identity of a record's `cells` (at most as many as the mapping has columns).
    package func identity(of cells: [String]) -> Identity {
        var name = ""
        var profileName: String?
        var token: String?
        var certificate: String?
        var mqtt = MQTTBasicCredentials(clientId: nil, userName: nil, password: nil)
        var mqttGiven = false
        for (index, rawCell) in cells.enumerated() where !rawCell.isEmpty && index < mapping.columns.count {
            let type = mapping.columns[index].type
            guard type.isIdentity else { continue }
            // A cell Muster neutralised against spreadsheet formulas (an errors CSV imported again) reads as it was.
            let cell = CSVFormulaGuard.restored(rawCell)
            switch type {
            case .name: name = cell
            case .type: profileName = cell
            case .accessToken: token = cell
            case .x509: certificate = cell
            case .mqttClientId: (mqtt.clientId, mqttGiven) = (cell, true)
            case .mqttUserName: (mqtt.userName, mqttGiven) = (cell, true)
            case .mqttPassword: (mqtt.password, mqttGiven) = (cell, true)
            default: continue
            }
        }
        let credentials: Result<CredentialsMaterial?, CredentialsError>
        do throws(CredentialsError) {
            // ThingsBoard's precedence (§5.3): X509, then MQTT basic, then an access token.
            if let certificate {
                credentials = .success(try CredentialRules.x509(certificate))
            } else if mqttGiven {
                credentials = .success(try CredentialRules.mqttBasic(mqtt))
            } else if let token {
                credentials = .success(try CredentialRules.accessToken(token))
            } else {
                credentials = .success(nil)
            }
        } catch {
            credentials = .failure(error)
        }
        return Identity(name: EntityName.trimmed(name), profileName: profileName, credentials: credentials)
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
        for (index, rawCell) in cells.enumerated() where !rawCell.isEmpty {
            let column = mapping.columns[index]
            guard !column.type.isIdentity else { continue }
            let cell = CSVFormulaGuard.restored(rawCell)
            switch column.type {
            case .label: row.label = cell
            case .description: row.description = cell
            case .isGateway: row.gateway = cell.lowercased() == "true"
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
            default: continue
            }
        }
        let identity = identity(of: cells)
        row.name = identity.name
        row.profileName = identity.profileName
        guard !row.name.isEmpty else { return .failure(.emptyName) }
        do { try EntityName.validate(row.name) } catch { return .failure(.invalidName(error)) }
        if let profileName = row.profileName {
            do { try EntityName.validate(profileName) } catch { return .failure(.invalidProfileName(error)) }
        }
        switch identity.credentials {
        case .success(let credentials): row.credentials = credentials
        case .failure(let error): return .failure(.invalidCredentials(error))
        }
        let name = identity.nameFingerprint
        let credentials = identity.credentialsFingerprint
        let nameRepeats = repeats.contains(name)
        let credentialsRepeat = credentials.map { repeats.contains($0) } ?? false
        if nameRepeats, let first = firstLines[name] { return .failure(.duplicateName(firstLine: Int(first))) }
        if credentialsRepeat, let credentials, let first = firstLines[credentials] {
            return .failure(.duplicateCredentials(firstLine: Int(first)))
        }
        if nameRepeats { firstLines[name] = Int32(clamping: record.number) }
        if credentialsRepeat, let credentials { firstLines[credentials] = Int32(clamping: record.number) }
        if row.credentials == nil, mapping.entityType == .device {
            row.generatedCredentials = CredentialRules.randomAccessToken()
        }
        return .success(row)
    }
}

extension ImportColumnType {
    /// Whether the column is part of a row's ``ImportRowPlanner/Identity`` (name, profile, credentials).
    fileprivate var isIdentity: Bool {
        switch self {
        case .name, .type, .accessToken, .x509, .mqttClientId, .mqttUserName, .mqttPassword: return true
        case .label, .description, .isGateway, .sharedAttribute, .serverAttribute, .timeseries, .skip: return false
        }
    }
}

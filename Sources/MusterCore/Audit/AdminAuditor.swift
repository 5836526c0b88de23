import Foundation

/// Records admins' actions (changes and credential reads) in the audit log, with their actor, beside the devices'
/// provisioning attempts. Called by the admin interfaces after an action succeeded; entries go through the same
/// buffered ``AuditSink`` as every other entry. Never records a secret: a profile's changed fields are named, not
/// their values, and credentials are only said to have been read or changed.
package struct AdminAuditor: Sendable {
    private let sink: any AuditSink
    private let clock: any WallClock

    package init(sink: any AuditSink, clock: any WallClock) {
        self.sink = sink
        self.clock = clock
    }

    /// The subject of an action: an entity (device, asset, user, tenant) with its id and name, and the profile
    /// involved.
    package struct Subject: Sendable {
        package var tenantId: UUID?
        package var entityId: UUID?
        package var entityName: String?
        package var profileId: UUID?
        package var profileName: String?

        package init(
            tenantId: UUID?, entityId: UUID? = nil, entityName: String? = nil, profileId: UUID? = nil,
            profileName: String? = nil
        ) {
            self.tenantId = tenantId
            self.entityId = entityId
            self.entityName = entityName
            self.profileId = profileId
            self.profileName = profileName
        }

        package static func profile(_ profile: DeviceProfile) -> Subject {
            Subject(tenantId: profile.tenantId, profileId: profile.id, profileName: profile.name)
        }

        package static func device(_ device: Device, profileName: String? = nil) -> Subject {
            Subject(
                tenantId: device.tenantId, entityId: device.id, entityName: device.name, profileId: device.deviceProfileId,
                profileName: profileName ?? device.type)
        }

        package static func asset(_ asset: Asset) -> Subject {
            Subject(tenantId: asset.tenantId, entityId: asset.id, entityName: asset.name, profileName: asset.type)
        }
    }

    /// Records that `actor` did `action` on `subject`.
    package func record(_ action: AuditAction, by actor: AdminActor, on subject: Subject, details: String? = nil) {
        sink.record(AuditEntry(
            id: UUID(), tenantId: subject.tenantId ?? actor.principal.tenantId, time: clock.nowMilliseconds(),
            transport: .http, sourceAddress: actor.sourceAddress, profileId: subject.profileId,
            profileName: subject.profileName, deviceId: subject.entityId, deviceName: subject.entityName,
            outcome: .success, reason: action.rawValue, action: action, actor: actor.principal.email,
            details: details.map { String($0.prefix(1000)) }))
    }

    /// Records a device profile's creation or change, naming the fields that changed (the secret's name only).
    package func profileSaved(_ saved: DeviceProfile, previous: DeviceProfile?, by actor: AdminActor) {
        guard let previous else {
            record(.profileCreated, by: actor, on: .profile(saved))
            return
        }
        let fields = Self.changedFields(previous, saved)
        record(
            .profileUpdated, by: actor, on: .profile(saved),
            details: fields.isEmpty ? "no field changed" : "changed: " + fields.joined(separator: ", "))
    }

    /// An import's details: the file, the entity type, how it ended and its counts.
    package static func importDetails(file: String?, entityType: ImportEntityType, job: ImportJob) -> String {
        let name = file.map { "file \"\(String($0.prefix(200)))\"" } ?? "a file"
        let progress = job.progress
        var text = "\(name), \(entityType.rawValue)\(job.dryRun ? ", dry run" : ""): \(job.status.rawValue), "
            + "\(progress.created) created, \(progress.updated) updated, \(progress.errors) failed"
        if let failure = job.failure { text += " (\(failure))" }
        return text
    }

    /// The details of ThingsBoard's synchronous import: its entity type and counts.
    package static func importDetails(entityType: ImportEntityType, summary: ImportSummary) -> String {
        let progress = summary.progress
        return "request body, \(entityType.rawValue): \(progress.created) created, \(progress.updated) updated, "
            + "\(progress.errors) failed"
    }

    /// The names of the fields that differ between two versions of a device, in ThingsBoard's JSON names.
    package static func changedFields(_ old: Device, _ new: Device) -> [String] {
        var fields: [String] = []
        if old.name != new.name { fields.append("name") }
        if old.label != new.label { fields.append("label") }
        if old.deviceProfileId != new.deviceProfileId { fields.append("deviceProfileId") }
        if old.additionalInfo != new.additionalInfo { fields.append("additionalInfo") }
        return fields
    }

    /// The names of the fields that differ between two versions of a profile, in ThingsBoard's JSON names.
    package static func changedFields(_ old: DeviceProfile, _ new: DeviceProfile) -> [String] {
        var fields: [String] = []
        if old.name != new.name { fields.append("name") }
        if old.description != new.description { fields.append("description") }
        if old.isDefault != new.isDefault { fields.append("default") }
        if old.transportType != new.transportType { fields.append("transportType") }
        if old.provisionType != new.provisionType { fields.append("provisionType") }
        if old.provisionDeviceKey != new.provisionDeviceKey { fields.append("provisionDeviceKey") }
        let (a, b) = (old.provisionConfiguration, new.provisionConfiguration)
        if a.provisionDeviceSecret != b.provisionDeviceSecret { fields.append("provisionDeviceSecret") }
        if a.certificateRegExPattern != b.certificateRegExPattern { fields.append("certificateRegExPattern") }
        if a.allowCreateNewDevicesByX509Certificate != b.allowCreateNewDevicesByX509Certificate {
            fields.append("allowCreateNewDevicesByX509Certificate")
        }
        if a.reprovision != b.reprovision { fields.append("reprovision") }
        if old.profileData != new.profileData { fields.append("profileData") }
        return fields
    }
}

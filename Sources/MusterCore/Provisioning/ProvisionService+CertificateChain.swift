import Foundation

extension ProvisionService {
    /// X.509 certificate-chain provisioning (spec §2.8 step 2): the first certificate of `chain` whose SHA3 id is
    /// the provision key of an `X509_CERTIFICATE_CHAIN` profile picks the profile; the leaf's common name, matched by
    /// the profile's `certificateRegExPattern`, names the device, which is found in that profile or created (when
    /// the profile allows it) with the leaf as its X.509 credentials and `provisionState = provisioned`.
    ///
    /// Muster goes beyond ThingsBoard in one case: a pre-provisioned device of the profile that was never provisioned
    /// and holds other credentials (an admin-created device gets an access token) is bound to the certificate; once
    /// provisioned, only a device with X.509 credentials has them replaced by a newer certificate.
    ///
    /// - Parameters:
    ///   - chain: The peer's certificates, leaf first, with every link's signature already checked
    ///     (``CertificateChainVerifier``).
    ///   - context: Where the connection came from.
    /// - Returns: The leaf's credentials, or `nil` when no certificate of the chain is a chain profile's CA (nothing
    ///   is audited then: it was not a provisioning attempt).
    /// - Throws: ``ProvisionError``.
    package func provision(certificateChain chain: [ClientCertificate], context: ProvisionContext) async throws(ProvisionError)
        -> CredentialsMaterial?
    {
        let now = clock.nowMilliseconds()
        if let retryAfter = await limiter.refusal(source: context.sourceAddress, key: nil, now: now) {
            throw .rateLimited(retryAfterSeconds: retryAfter)
        }
        guard let leaf = chain.first, let (profile, trusted) = try await chainProfile(for: chain, now: now) else { return nil }
        var trail = AuditTrailNote()
        trail.profile = profile
        do throws(ProvisionError) {
            guard trusted.allSatisfy({ $0.isValid(at: now) }) else { throw .failure(.certificateNotValid) }
            let credentials = try await provisionLeaf(leaf, profile: profile, now: now, trail: &trail)
            record(.success, reason: "PROVISIONED", trail: trail, context: context, now: now)
            return credentials
        } catch {
            await recordFailure(error, key: profile.provisionDeviceKey ?? "", trail: trail, context: context, now: now)
            throw error
        }
    }

    /// The device name a profile's pattern takes from a common name: the first match's first group, trimmed.
    /// - Throws: ``ProvisionError`` (`certificateNameUnmatched`, `invalidCertificatePattern`).
    package static func deviceName(commonName: String?, pattern: String?) throws(ProvisionError) -> String {
        guard let commonName, !commonName.isEmpty else { throw .failure(.certificateNameUnmatched) }
        let regex: Regex<AnyRegexOutput>
        do { regex = try Regex(pattern ?? "(.*)") } catch { throw .failure(.invalidCertificatePattern) }
        guard let match = try? regex.firstMatch(in: commonName), match.output.count > 1,
            let group = match.output[1].substring
        else { throw .failure(.certificateNameUnmatched) }
        let name = group.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw .failure(.certificateNameUnmatched) }
        return name
    }

    /// The chain profile of `chain`, and the certificates from the leaf up to its CA (whose validity must hold).
    ///
    /// As ThingsBoard: the first certificate of the chain whose id is a chain profile's key (a profile of another
    /// provision type found by a hash is passed over). Beyond ThingsBoard: when the client did not send the CA, a
    /// chain profile whose CA signed the chain's last certificate (checked by the ``CertificateChainVerifier``).
    private func chainProfile(for chain: [ClientCertificate], now: Int64) async throws(ProvisionError)
        -> (DeviceProfile, [ClientCertificate])?
    {
        for (index, certificate) in chain.enumerated() {
            let key = certificate.credentialsId
            let profile = try await storeCall {
                try await profileCache.profile(forKey: key, now: now) { try await store.deviceProfile(provisionKey: key) }
            }
            if let profile, profile.provisionType == .x509CertificateChain { return (profile, Array(chain[...index])) }
        }
        guard let certificateVerifier, let top = chain.last, let topDER = Data(base64Encoded: top.base64DER) else { return nil }
        let candidates = try await storeCall {
            try await profileCache.certificateChainProfiles(now: now) { try await store.certificateChainProfiles() }
        }
        for profile in candidates {
            guard let secret = profile.provisionConfiguration.provisionDeviceSecret else { continue }
            let caBase64 = CredentialRules.trimCertificate(CertificateChainSecret.certificateBlocks(secret).first ?? secret)
            guard let caDER = Data(base64Encoded: caBase64),
                let verified = try? certificateVerifier.verify(chain: [Array(topDER), Array(caDER)])
            else { continue }
            return (profile, chain + verified.suffix(1))
        }
        return nil
    }

    private func provisionLeaf(
        _ leaf: ClientCertificate, profile: DeviceProfile, now: Int64, trail: inout AuditTrailNote
    ) async throws(ProvisionError) -> CredentialsMaterial {
        let configuration = profile.provisionConfiguration
        let name = try Self.deviceName(commonName: leaf.commonName, pattern: configuration.certificateRegExPattern)
        do { try EntityName.validate(name) } catch { throw .failure(.invalidDeviceName(error)) }
        trail.deviceName = name
        let material: CredentialsMaterial
        do { material = try CredentialRules.x509(leaf.base64DER) } catch { throw .failure(.invalidCredentials(error)) }

        if let existing = try await storeCall({ try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: name) }) {
            trail.deviceId = existing.device.id
            return try await bind(material, to: existing, profile: profile, now: now)
        }
        guard configuration.allowCreateNewDevicesByX509Certificate == true else { throw .failure(.deviceNotPreProvisioned) }
        switch try await createDevice(named: name, profile: profile, material: material, additionalInfo: nil, now: now) {
        case .created(let deviceId):
            trail.deviceId = deviceId
            return material
        case .existing(let existing):
            // A concurrent connection with a certificate of the same name created it first.
            trail.deviceId = existing.device.id
            return try await bind(material, to: existing, profile: profile, now: now)
        }
    }

    /// An existing device of the profile presents a certificate: its X.509 credentials become the leaf (a device
    /// never provisioned is bound whatever it held), and it is marked provisioned. Sessions opened with the
    /// credentials it held are closed.
    private func bind(
        _ material: CredentialsMaterial, to existing: ProvisioningSnapshot, profile: DeviceProfile, now: Int64
    ) async throws(ProvisionError) -> CredentialsMaterial {
        guard existing.device.deviceProfileId == profile.id else { throw .failure(.deviceNameTaken) }
        let current = existing.credentials?.material
        if current != material {
            guard current?.type == .x509Certificate || existing.provisionState == nil else { throw .failure(.credentialsMismatch) }
            switch try await storeCall({ try await store.replaceCredentials(deviceId: existing.device.id, with: material) }) {
            case .saved:
                await sessions?.revoke(DeviceSessionRevocation(
                    deviceId: existing.device.id, tenantId: existing.device.tenantId, deviceName: existing.device.name,
                    reason: .credentialsChanged
                ))
            case .credentialsTaken: throw .failure(.credentialsTaken)
            case .notFound: throw .failure(.storageFailure(nil))
            }
        }
        if existing.provisionState == nil {
            _ = try await storeCall { try await store.markProvisioned(deviceId: existing.device.id, at: now) }
        }
        return material
    }
}

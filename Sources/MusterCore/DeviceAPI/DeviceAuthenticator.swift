import Foundation

/// What an MQTT client presented in CONNECT, for device authentication.
package struct MQTTConnectCredentials: Sendable, Hashable {
    /// The client identifier as sent (possibly empty).
    package var clientId: String
    /// The user name, or `nil` when the CONNECT carried none.
    package var username: String?
    /// The password, or `nil` when the CONNECT carried none.
    package var password: String?

    package init(clientId: String, username: String?, password: String?) {
        self.clientId = clientId
        self.username = username
        self.password = password
    }
}

/// Why a device could not be authenticated. Transports map each case to their wire code (an MQTT CONNACK code).
package enum DeviceAuthenticationFailure: Error, Equatable, Sendable {
    /// No credentials matched what the client presented.
    case unknownCredentials
    /// MQTT-basic credentials matched by client id and user name, but the password differs (no fallback to an
    /// access token, as in ThingsBoard).
    case passwordMismatch
    /// Credentials were found but are not of a type this method accepts, or their client id / user name differ.
    case credentialsMismatch
    /// The device's profile has a transport type other than `DEFAULT` or the transport's own (ThingsBoard answers
    /// "server unavailable").
    case transportNotAllowed(profileTransportType: String)
    /// The store could not be read.
    case storageFailure
    /// A presented certificate is expired or not yet valid.
    case certificateNotValid
    /// X.509 certificate-chain provisioning refused the certificate (spec §2.8).
    case provisioningRefused(ProvisionError)
}

/// Device authentication for transports that do not carry an access token in the path: ThingsBoard's MQTT
/// username/password/client-id matching order (spec §3.4) and X.509 leaf-certificate hashes (§4.3).
package struct DeviceAuthenticator: Sendable {
    private let devices: any DeviceStore
    private let profiles: (any ProfileStore)?
    private let certificateProvisioning: ProvisionService?
    private let clock: any WallClock
    /// Each profile's transport type, so that a CONNECT does not read and decode its profile every time.
    private let transportTypes: ExpiringCache<UUID, String?>

    /// - Parameters:
    ///   - devices: Where credentials are looked up.
    ///   - profiles: Where the device's profile is read to check its transport type; `nil` skips that check.
    ///   - certificateProvisioning: Provisions unknown certificates through X.509 chain profiles (§2.8); `nil`
    ///     only authenticates known ones.
    ///   - clock: The time certificates' validity is checked against.
    ///   - transportTypes: Remembers profiles' transport types briefly (pass a cache with a time-to-live of 0 to read
    ///     the profile on every authentication).
    package init(
        devices: any DeviceStore, profiles: (any ProfileStore)? = nil, certificateProvisioning: ProvisionService? = nil,
        clock: any WallClock = SystemWallClock(), transportTypes: ExpiringCache<UUID, String?> = ExpiringCache()
    ) {
        self.devices = devices
        self.profiles = profiles
        self.certificateProvisioning = certificateProvisioning
        self.clock = clock
        self.transportTypes = transportTypes
    }

    /// Authenticates an MQTT CONNECT, in ThingsBoard's order:
    /// 1. no user name → MQTT basic by `sha3(clientId)`;
    /// 2. user name → MQTT basic by `sha3(clientId|username)`; a wrong password rejects, a client id or user name
    ///    mismatch falls through;
    /// 3. the user name as an access token (password and client id ignored) or as username-only MQTT basic.
    /// - Returns: The authenticated device.
    /// - Throws: ``DeviceAuthenticationFailure``.
    package func authenticate(mqtt credentials: MQTTConnectCredentials) async throws(DeviceAuthenticationFailure) -> Device {
        let device = try await matchMQTT(credentials)
        try await checkTransport(of: device, allowed: "MQTT")
        return device
    }

    private func matchMQTT(_ credentials: MQTTConnectCredentials) async throws(DeviceAuthenticationFailure) -> Device {
        guard let username = credentials.username, !username.isEmpty else {
            guard let (device, stored) = try await lookup(SHA3Hash.hex(credentials.clientId)) else { throw .unknownCredentials }
            guard stored.type == .mqttBasic else { throw .credentialsMismatch }
            try Self.check(stored, against: credentials)
            return device
        }
        let basicId = SHA3Hash.hex(joining: [credentials.clientId, username], delimiter: "|")
        // Both candidates in one read: the MQTT-basic id first, then the user name alone.
        let found: [(Device, DeviceCredentials)]
        do { found = try await devices.devices(credentialsIds: [basicId, username]) } catch { throw .storageFailure }
        if let (device, stored) = found.first(where: { $0.1.credentialsId == basicId }), stored.type == .mqttBasic {
            do throws(DeviceAuthenticationFailure) {
                try Self.check(stored, against: credentials)
                return device
            } catch .passwordMismatch {
                throw .passwordMismatch
            } catch {
                // A client id or user name mismatch: fall back to the user name alone.
            }
        }
        guard let (device, stored) = found.first(where: { $0.1.credentialsId == username }) else { throw .unknownCredentials }
        switch stored.type {
        case .accessToken:
            guard constantTimeEquals(stored.credentialsId, username) else { throw .unknownCredentials }
            return device
        case .mqttBasic:
            try Self.check(stored, against: credentials)
            return device
        case .x509Certificate, .lwm2mCredentials:
            throw .credentialsMismatch
        }
    }

    /// Authenticates a TLS client by the SHA3-256 id of its leaf certificate (`sha3Hash(base64(DER))`).
    /// - Parameter hash: The lowercase hex hash.
    /// - Returns: The device holding X.509 credentials with that id.
    /// - Throws: ``DeviceAuthenticationFailure``.
    package func authenticate(x509Hash hash: String) async throws(DeviceAuthenticationFailure) -> Device {
        guard !hash.isEmpty, let (device, stored) = try await lookup(hash) else { throw .unknownCredentials }
        guard stored.type == .x509Certificate else { throw .credentialsMismatch }
        try await checkTransport(of: device, allowed: "MQTT")
        return device
    }

    /// Authenticates a TLS client by its certificate chain (spec §2.8 and §3.4): every certificate must be within its
    /// validity period; the leaf's X.509 credentials authenticate a known device; otherwise a certificate of the chain
    /// that is an X.509 chain profile's CA provisions the leaf's device, which is then authenticated.
    /// - Parameters:
    ///   - chain: The peer's certificates, leaf first, with every link's signature already checked.
    ///   - context: Where the connection came from (rate limiting and audit of chain provisioning).
    /// - Returns: The authenticated device.
    /// - Throws: ``DeviceAuthenticationFailure``.
    package func authenticate(certificates chain: [ClientCertificate], context: ProvisionContext) async throws(DeviceAuthenticationFailure)
        -> Device
    {
        guard let leaf = chain.first else { throw .unknownCredentials }
        let now = clock.nowMilliseconds()
        guard leaf.isValid(at: now) else { throw .certificateNotValid }
        if let (device, stored) = try await lookup(leaf.credentialsId) {
            guard stored.type == .x509Certificate else { throw .credentialsMismatch }
            try await checkTransport(of: device, allowed: "MQTT")
            return device
        }
        guard let certificateProvisioning else { throw .unknownCredentials }
        let provisioned: CredentialsMaterial?
        do { provisioned = try await certificateProvisioning.provision(certificateChain: chain, context: context) } catch {
            throw .provisioningRefused(error)
        }
        guard provisioned != nil else { throw .unknownCredentials }
        return try await authenticate(x509Hash: leaf.credentialsId)
    }

    /// ThingsBoard's `DefaultTransportService` check: the profile's transport type must be `DEFAULT` or `allowed`.
    private func checkTransport(of device: Device, allowed: String) async throws(DeviceAuthenticationFailure) {
        guard let profiles else { return }
        let transportType: String?
        do {
            transportType = try await transportTypes.value(for: device.deviceProfileId, now: clock.nowMilliseconds()) {
                try await profiles.deviceProfile(id: device.deviceProfileId, tenantId: device.tenantId)?.transportType
            }
        } catch { throw .storageFailure }
        guard let type = transportType, type != "DEFAULT", type != allowed else { return }
        throw .transportNotAllowed(profileTransportType: type)
    }

    private func lookup(_ credentialsId: String) async throws(DeviceAuthenticationFailure) -> (Device, DeviceCredentials)? {
        do { return try await devices.device(credentialsId: credentialsId) } catch { throw .storageFailure }
    }

    /// ThingsBoard's `validateMqttCredentials`: a stored non-empty client id or user name must equal the given one
    /// (else ``DeviceAuthenticationFailure/credentialsMismatch``); a stored non-empty password must equal the given
    /// one (else ``DeviceAuthenticationFailure/passwordMismatch``); no stored password accepts any.
    private static func check(_ stored: DeviceCredentials, against given: MQTTConnectCredentials) throws(DeviceAuthenticationFailure) {
        guard let basic = stored.material.mqttBasic else { throw .credentialsMismatch }
        if let clientId = basic.clientId, !clientId.isEmpty, clientId != given.clientId { throw .credentialsMismatch }
        if let userName = basic.userName, !userName.isEmpty, userName != (given.username ?? "") { throw .credentialsMismatch }
        if let password = basic.password, !password.isEmpty {
            guard let offered = given.password, constantTimeEquals(password, offered) else { throw .passwordMismatch }
        }
    }
}

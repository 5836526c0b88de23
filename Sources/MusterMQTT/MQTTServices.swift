import MusterCore

/// The core services an MQTT session calls. No provisioning or credentials rule lives in the transport.
package struct MQTTServices: Sendable {
    package let provisioning: ProvisionService
    package let deviceAPI: DeviceAPIService
    package let authenticator: DeviceAuthenticator
    package let attributeChanges: AttributeChangeHub
    /// Where device sessions hear that their device was revoked, and report what they closed for the audit log.
    package let sessions: DeviceSessionHub
    /// The client ids held by device sessions of every listener sharing these services (takeover).
    let clientIdentifiers = MQTTClientIdentifierTable()

    package init(
        provisioning: ProvisionService, deviceAPI: DeviceAPIService, authenticator: DeviceAuthenticator,
        attributeChanges: AttributeChangeHub, sessions: DeviceSessionHub = DeviceSessionHub()
    ) {
        self.provisioning = provisioning
        self.deviceAPI = deviceAPI
        self.authenticator = authenticator
        self.attributeChanges = attributeChanges
        self.sessions = sessions
    }
}

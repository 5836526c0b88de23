import MusterCore

/// The core services an MQTT session calls. No provisioning or credentials rule lives in the transport.
package struct MQTTServices: Sendable {
    package let provisioning: ProvisionService
    package let deviceAPI: DeviceAPIService
    package let authenticator: DeviceAuthenticator
    package let attributeChanges: AttributeChangeHub

    package init(
        provisioning: ProvisionService, deviceAPI: DeviceAPIService, authenticator: DeviceAuthenticator,
        attributeChanges: AttributeChangeHub
    ) {
        self.provisioning = provisioning
        self.deviceAPI = deviceAPI
        self.authenticator = authenticator
        self.attributeChanges = attributeChanges
    }
}

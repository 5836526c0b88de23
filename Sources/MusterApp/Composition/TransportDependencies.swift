import Configuration
import Logging
import MusterCore
import ServiceLifecycle

/// What a device transport (MQTT, CoAP) needs from the composition root: the core services it calls, its
/// configuration, and where to announce its bound address.
struct TransportDependencies: Sendable {
    let provisioning: ProvisionService
    let deviceAPI: DeviceAPIService
    /// Authenticates device connections by access token, MQTT basic or certificate (ThingsBoard's order).
    let authenticator: DeviceAuthenticator
    let attributeChanges: AttributeChangeHub
    /// Where device sessions hear that their device was revoked, and report (for the audit log) what they closed.
    let sessions: DeviceSessionHub
    let config: ConfigReader
    let dataDirectory: String
    let listeners: ListenerAnnouncements
    let logger: Logger
}

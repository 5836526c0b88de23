import Configuration
import MusterCore
import MusterMQTT
import ServiceLifecycle

/// The MQTT listener's services: the plain-TCP listener, which announces itself as `mqtt`.
func mqttServices(_ dependencies: TransportDependencies) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
    let configuration = try MQTTServerConfiguration(config: dependencies.config)
    let services = MQTTServices(
        provisioning: dependencies.provisioning, deviceAPI: dependencies.deviceAPI,
        authenticator: dependencies.authenticator, attributeChanges: dependencies.attributeChanges
    )
    let listeners = dependencies.listeners
    let server = MQTTServer(configuration: configuration, services: services, logger: dependencies.logger) { host, port in
        listeners.announce(ListenerAddress(name: "mqtt", host: host, port: port))
    }
    return [.init(service: server, failureTerminationBehavior: .gracefullyShutdownGroup)]
}

extension MQTTServerConfiguration {
    /// Reads the MQTT settings.
    ///
    /// ## Configuration keys
    /// - `mqtt.host` (string, optional, default: `http.host`, else `0.0.0.0`): the bind address.
    /// - `mqtt.port` (int, optional, default: 1883; 0 picks a free port) (`--mqtt-port`).
    /// - `mqtt.maxPacketSize` (int, optional, default: 65536): the largest packet accepted, announced in CONNACK.
    /// - `mqtt.provisionSessionTimeout` (int seconds, optional, default: 60): how long a provisioning session
    ///   stays open after its first answer.
    /// - `mqtt.tlsPort`, `mqtt.tlsCert`, `mqtt.tlsKey`: reserved for MQTT over TLS (not served yet).
    ///
    /// - Throws: ``ConfigurationError`` for values out of range.
    init(config: ConfigReader) throws {
        let mqtt = config.scoped(to: "mqtt")
        let host = mqtt.string(forKey: "host") ?? config.string(forKey: "http.host", default: "0.0.0.0")
        let port = mqtt.int(forKey: "port", default: 1883)
        guard (0...65535).contains(port) else { throw ConfigurationError.outOfRange(key: "mqtt.port", value: port, range: 0...65535) }
        let maxPacketSize = mqtt.int(forKey: "maxPacketSize", default: 65_536)
        guard (128...268_435_455).contains(maxPacketSize) else {
            throw ConfigurationError.outOfRange(key: "mqtt.maxPacketSize", value: maxPacketSize, range: 128...268_435_455)
        }
        let timeout = mqtt.int(forKey: "provisionSessionTimeout", default: 60)
        guard (1...86_400).contains(timeout) else {
            throw ConfigurationError.outOfRange(key: "mqtt.provisionSessionTimeout", value: timeout, range: 1...86_400)
        }
        self.init(
            host: host, port: port, maximumPacketSize: maxPacketSize, provisionSessionTimeoutMilliseconds: Int64(timeout) * 1000
        )
    }
}
